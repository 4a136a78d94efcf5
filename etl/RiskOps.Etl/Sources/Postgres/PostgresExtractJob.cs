using Hangfire;
using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>
/// The recurring PostgreSQL extract (queue <c>ingest</c>). One run at a time across every worker process: two runs would
/// read the same watermark and land the same pages (harmless, the batch keys match) but race on the watermark file.
/// </summary>
public sealed class PostgresExtractJob(PostgresExtractor extractor, ILogger<PostgresExtractJob> logger)
{
    /// <summary>Extracts every configured table until drained.</summary>
    [Queue("ingest")]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [AutomaticRetry(Attempts = 3)]
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var results = await extractor.ExtractAsync(cancellationToken).ConfigureAwait(false);
        var summary = string.Join("; ", results.Select(r => $"{r.Table}: {r.Rows} rows in {r.Pages} pages, landed {r.Landed}, quarantined {r.Quarantined}"));
        logger.LogInformation("PostgreSQL extract: {Summary}", summary);
        return summary;
    }
}
