using Hangfire;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Finds partitions to compact (<see cref="CompactionJob.PartitionsToCompact"/>) and enqueues one compaction per partition on the
/// <c>maintenance</c> queue, so partitions compact in parallel across workers while each one is compacted by at most
/// one job at a time (<c>[DisableConcurrentExecution]</c> on the compaction job, a distributed lock on PostgreSQL).
/// </summary>
public sealed class CompactionSweepJob(IOptions<LakeOptions> lake, IBackgroundJobClient jobs, ILogger<CompactionSweepJob> logger)
{
    /// <summary>Enqueues the compactions; returns how many.</summary>
    [Queue(JobQueues.Maintenance)]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    public Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (kind, dt) in CompactionJob.PartitionsToCompact(lake.Value.Root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnqueueCompaction(kind, dt);
            count++;
        }

        logger.LogInformation("Compaction sweep enqueued {Count} partitions", count);
        return Task.FromResult(count);
    }

    private void EnqueueCompaction(RecordKind kind, DateOnly dt) =>
        jobs.Enqueue<CompactionJob>(JobQueues.Maintenance, j => j.RunAsync(kind, dt, CancellationToken.None));
}
