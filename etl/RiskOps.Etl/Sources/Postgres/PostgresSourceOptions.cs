using System.ComponentModel.DataAnnotations;

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>The case-management PostgreSQL source, bound from <c>Sources:Postgres</c> (env <c>Sources__Postgres__*</c>).</summary>
public sealed class PostgresSourceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Sources:Postgres";

    /// <summary>Connection string of the case-management database; empty disables the extract job.</summary>
    /// <value>Default: empty (disabled).</value>
    public string? ConnectionString { get; set; }

    /// <summary>Cron (UTC) of the incremental extract job.</summary>
    /// <value>Default: <c>*/5 * * * *</c>.</value>
    public string? Cron { get; set; } = "*/5 * * * *";

    /// <summary>Rows per page; every page is one lake batch and one watermark step.</summary>
    /// <value>Default: <c>5000</c>.</value>
    [Range(1, 1_000_000)]
    public int PageSize { get; set; } = 5000;

    /// <summary>
    /// Rows whose <c>updated_at</c> is younger than this are left for the next run. <c>updated_at = now()</c> is the
    /// writing transaction's start time, so a transaction that commits later than this lag could otherwise slip under
    /// the watermark; set it above the case tool's longest write transaction.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan SafetyLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Schema that holds the source tables.</summary>
    /// <value>Default: <c>public</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]*$")]
    public string Schema { get; set; } = "public";

    /// <summary>Comma-separated tables (lake kind names) to extract.</summary>
    /// <value>Default: all five: <c>decisions,reviews,labels,qa_audits,sop_coverage</c>.</value>
    [Required]
    public string Tables { get; set; } = "decisions,reviews,labels,qa_audits,sop_coverage";

    /// <summary>Command timeout for one page query.</summary>
    /// <value>Default: 120 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(120);
}
