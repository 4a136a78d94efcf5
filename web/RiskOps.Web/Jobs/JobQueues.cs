namespace RiskOps.Web.Jobs;

/// <summary>The Hangfire queues. Separate queues let a deployment dedicate workers to ingestion or to maintenance.</summary>
public static class JobQueues
{
    /// <summary>Landing scans, PostgreSQL extracts and enqueued file ingests.</summary>
    public const string Ingest = "ingest";

    /// <summary>Compaction and rollup refresh.</summary>
    public const string Maintenance = "maintenance";

    /// <summary>Report rendering and delivery.</summary>
    public const string Reports = "reports";

    /// <summary>Hangfire's default queue, for jobs that name none.</summary>
    public const string Default = "default";

    /// <summary>Every queue, in the order a general-purpose server takes work.</summary>
    public static IReadOnlyList<string> All { get; } = [Ingest, Maintenance, Reports, Default];
}
