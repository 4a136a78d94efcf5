using System.ComponentModel.DataAnnotations;

namespace RiskOps.Reports.Delivery;

/// <summary>Report subscriptions, bound from the <c>Reports</c> configuration section.</summary>
public sealed class ReportsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Reports";

    /// <summary>The subscriptions (<c>Reports:Subscriptions:0:Name</c>, ...); each becomes one recurring job.</summary>
    /// <value>Default: none.</value>
    public List<ReportSubscription> Subscriptions { get; set; } = [];
}

/// <summary>One scheduled calibration pack: who gets it, for which scope, and when.</summary>
public sealed class ReportSubscription
{
    /// <summary>Unique name; also the archive folder and the recurring job id (<c>report:&lt;name&gt;</c>).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", ErrorMessage = "Reports:Subscriptions Name must be 1-64 letters, digits, '.', '_' or '-'")]
    public string Name { get; set; } = "";

    /// <summary>Email addresses the pack goes to.</summary>
    /// <value>Default: none (the pack is only archived).</value>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Case types the pack is narrowed to.</summary>
    /// <value>Default: all case types.</value>
    public List<string> CaseTypes { get; set; } = [];

    /// <summary>BPO vendors the pack is narrowed to (a vendor's manager sees only that vendor).</summary>
    /// <value>Default: all vendors.</value>
    public List<string> Vendors { get; set; } = [];

    /// <summary>Cron expression (Hangfire, 5 fields) of when the job runs, in <see cref="TimeZone"/>.</summary>
    /// <value>Default: <c>0 6 * * 1</c> (Mondays 06:00).</value>
    public string Cron { get; set; } = "0 6 * * 1";

    /// <summary>IANA or Windows time zone id the cron is read in. It sets when the pack is sent, never what a week is.</summary>
    /// <value>Default: <c>UTC</c>.</value>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Skip the delivery (logged as skipped) when the week has no case in scope.</summary>
    /// <value>Default: false (an empty pack says so and is sent).</value>
    public bool SkipIfEmpty { get; set; }
}
