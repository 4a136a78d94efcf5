using Hangfire;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Sources.Postgres;
using RiskOps.Sql.Jobs;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Registers the recurring jobs through the injected <see cref="IRecurringJobManager"/> when the host starts. Every
/// process may do it: <c>AddOrUpdate</c> is idempotent, and an empty cron removes the job, so configuration is the
/// single source of truth. Crons are UTC.
/// </summary>
public sealed class RecurringJobsRegistrar(
    IRecurringJobManager manager,
    IOptions<JobsOptions> jobs,
    IOptions<PostgresSourceOptions> postgres,
    ILogger<RecurringJobsRegistrar> logger) : IHostedService
{
    /// <summary>Recurring job id of the landing-folder scan.</summary>
    public const string LandingScanId = "landing-scan";

    /// <summary>Recurring job id of the compaction sweep.</summary>
    public const string CompactionId = "compaction";

    /// <summary>Recurring job id of the rollup refresh.</summary>
    public const string RollupId = RollupJob.RecurringJobId;

    /// <summary>Recurring job id of the PostgreSQL extract.</summary>
    public const string PostgresExtractId = "postgres-extract";

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = jobs.Value;
        if (!options.RegisterRecurringJobs)
        {
            return Task.CompletedTask;
        }

        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        Register(LandingScanId, options.LandingScanCron, cron =>
            manager.AddOrUpdate<LandingScanJob>(LandingScanId, JobQueues.Ingest, j => j.RunAsync(CancellationToken.None), cron, utc));
        Register(CompactionId, options.CompactionCron, cron =>
            manager.AddOrUpdate<CompactionSweepJob>(CompactionId, JobQueues.Maintenance, j => j.RunAsync(CancellationToken.None), cron, utc));
        Register(RollupId, options.RollupCron, cron =>
            manager.AddOrUpdate<RollupJob>(RollupId, JobQueues.Maintenance, j => j.RunAsync(CancellationToken.None), cron, utc));
        var source = postgres.Value;
        Register(PostgresExtractId, string.IsNullOrWhiteSpace(source.ConnectionString) ? null : source.Cron, cron =>
            manager.AddOrUpdate<PostgresExtractJob>(PostgresExtractId, JobQueues.Ingest, j => j.RunAsync(CancellationToken.None), cron, utc));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Register(string id, string? cron, Action<string> addOrUpdate)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            manager.RemoveIfExists(id);
            logger.LogInformation("Recurring job {Id} disabled (no cron, or its source is not configured)", id);
            return;
        }

        addOrUpdate(cron.Trim());
        logger.LogInformation("Recurring job {Id} scheduled at '{Cron}' (UTC)", id, cron.Trim());
    }
}
