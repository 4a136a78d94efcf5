using Hangfire;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Lands one delivered file as a background job (queue <c>ingest</c>). Safe to run twice or on several workers: the
/// pipeline names a batch by its content hash and a batch whose manifest exists is a no-op, so a retry after a crash
/// lands nothing twice.
/// </summary>
public sealed class IngestFileJob(IngestPipeline pipeline, ILogger<IngestFileJob> logger)
{
    /// <summary>Lands <paramref name="path"/>; <paramref name="kind"/> is a lake kind name or null to infer it.</summary>
    /// <exception cref="UnreadableInputException">The file cannot be read at all (not retried).</exception>
    [Queue(JobQueues.Ingest)]
    [AutomaticRetry(Attempts = 5, OnAttemptsExceeded = AttemptsExceededAction.Fail, ExceptOn = [typeof(UnreadableInputException)])]
    public async Task<string> RunAsync(string path, string? kind, CancellationToken cancellationToken)
    {
        RecordKind? parsed = null;
        if (kind is not null)
        {
            if (!RecordKinds.TryParse(kind, out var k))
            {
                throw new UnreadableInputException($"unknown kind '{kind}'");
            }

            parsed = k;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await pipeline.IngestFileAsync(path, parsed, cancellationToken).ConfigureAwait(false);
        if (!result.AlreadyIngested)
        {
            RiskOps.Web.Health.RiskOpsMetrics.Batch("landing", result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        logger.LogInformation(
            "Ingested {Path} as batch {BatchId}: {Landed} landed, {Quarantined} quarantined, {Duplicates} duplicates, already ingested {Already}",
            path, result.BatchId, result.Landed, result.Quarantined, result.Duplicates, result.AlreadyIngested);
        return $"{result.BatchId}: landed {result.Landed}, quarantined {result.Quarantined}, duplicates {result.Duplicates}";
    }
}
