using System.ComponentModel.DataAnnotations;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Hangfire servers and recurring jobs, bound from the <c>Jobs</c> configuration section (env <c>Jobs__*</c>).
/// The storage itself is chosen by <c>ConnectionStrings:Hangfire</c> (see <see cref="JobsServiceCollectionExtensions"/>).
/// </summary>
public sealed class JobsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Jobs";

    /// <summary>
    /// Comma-separated queues this process's Hangfire server takes work from, in priority order. A worker dedicated to
    /// ingestion sets <c>ingest</c>; one for heavy maintenance sets <c>maintenance</c>.
    /// </summary>
    /// <value>Default: <c>ingest,maintenance,reports,default</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9_]+(,[a-z0-9_]+)*$", ErrorMessage = "Jobs:Queues is a comma-separated list of lowercase queue names")]
    public string Queues { get; set; } = string.Join(',', JobQueues.All);

    /// <summary>Concurrent jobs per server process; 0 means one per CPU core (jobs are DuckDB/Parquet heavy, not I/O waits).</summary>
    /// <value>Default: <c>0</c> (number of cores).</value>
    [Range(0, 256)]
    public int WorkerCount { get; set; }

    /// <summary>Cron (UTC) of the landing-folder scan; empty disables it.</summary>
    /// <value>Default: <c>* * * * *</c> (every minute).</value>
    public string? LandingScanCron { get; set; } = "* * * * *";

    /// <summary>Cron (UTC) of the compaction sweep (enqueues one compaction per fragmented partition); empty disables it.</summary>
    /// <value>Default: <c>17 * * * *</c> (hourly).</value>
    public string? CompactionCron { get; set; } = "17 * * * *";

    /// <summary>Cron (UTC) of the rollup refresh; empty disables it.</summary>
    /// <value>Default: <c>*/10 * * * *</c>.</value>
    public string? RollupCron { get; set; } = "*/10 * * * *";

    /// <summary>Whether this process registers (adds, updates or removes) the recurring jobs on start.</summary>
    /// <value>Default: <c>true</c>; registration is idempotent, so every web and worker process may do it.</value>
    public bool RegisterRecurringJobs { get; set; } = true;

    /// <summary>How often an idle server polls PostgreSQL for enqueued jobs.</summary>
    /// <value>Default: 1 second (Hangfire's own default of 15 s makes every pickup slow).</value>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often scheduled and retried jobs are moved to their queue.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a fetched job stays invisible to other servers without a keep-alive. The fetch is kept alive while the
    /// job runs (sliding timeout), so this is the delay before a job of a killed worker is picked up again.
    /// </summary>
    /// <value>Default: 2 minutes.</value>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Server heartbeat interval.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A server without a heartbeat for this long is considered dead and removed from the dashboard.</summary>
    /// <value>Default: 5 minutes.</value>
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a stopping server waits for running jobs before cancelling them (they are retried elsewhere).</summary>
    /// <value>Default: 15 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>PostgreSQL schema that holds Hangfire's tables.</summary>
    /// <value>Default: <c>hangfire</c>.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]*$")]
    public string SchemaName { get; set; } = "hangfire";

    /// <summary>The queue list parsed from <see cref="Queues"/>.</summary>
    public string[] QueueList() =>
        Queues.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The effective number of concurrent jobs per server.</summary>
    public int EffectiveWorkerCount() => WorkerCount > 0 ? WorkerCount : Environment.ProcessorCount;
}
