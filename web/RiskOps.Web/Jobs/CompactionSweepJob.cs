using Hangfire;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Finds fragmented partitions (more than one data file) and enqueues one compaction per partition on the
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
        foreach (var (kind, dt) in FragmentedPartitions(lake.Value.Root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            EnqueueCompaction(kind, dt);
            count++;
        }

        logger.LogInformation("Compaction sweep enqueued {Count} partitions", count);
        return Task.FromResult(count);
    }

    /// <summary>Partitions of <paramref name="lakeRoot"/> holding more than one Parquet file.</summary>
    public static IEnumerable<(RecordKind Kind, DateOnly Dt)> FragmentedPartitions(string lakeRoot)
    {
        foreach (var kind in RecordKinds.All)
        {
            var kindDir = Path.Combine(lakeRoot, kind.LakeName());
            if (!Directory.Exists(kindDir))
            {
                continue;
            }

            foreach (var partition in Directory.EnumerateDirectories(kindDir, "dt=*").Order(StringComparer.Ordinal))
            {
                if (DateOnly.TryParseExact(Path.GetFileName(partition)[3..], "yyyy-MM-dd", out var dt)
                    && Directory.EnumerateFiles(partition, "*.parquet").Take(2).Count() > 1)
                {
                    yield return (kind, dt);
                }
            }
        }
    }

    private void EnqueueCompaction(RecordKind kind, DateOnly dt) =>
        jobs.Enqueue<CompactionJob>(JobQueues.Maintenance, j => j.RunAsync(kind, dt, CancellationToken.None));
}
