using System.Globalization;
using RiskOps.Reports.Kpis;

namespace RiskOps.Reports.Alerts;

/// <summary>Alert rules and where alerts go, bound from the <c>Alerts</c> configuration section (env <c>Alerts__*</c>).</summary>
public sealed class AlertsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Alerts";

    /// <summary>Cron (UTC) of the evaluation job; empty disables it.</summary>
    /// <value>Default: <c>*/5 * * * *</c> (every 5 minutes).</value>
    public string? Cron { get; set; } = "*/5 * * * *";

    /// <summary>Email addresses every alert goes to (sent only when <c>Smtp:Host</c> is set).</summary>
    /// <value>Default: none.</value>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Webhook URLs (http or https) every alert is POSTed to as Slack-compatible JSON.</summary>
    /// <value>Default: none.</value>
    public List<string> Webhooks { get; set; } = [];

    /// <summary>How long a failed delivery waits before the next run retries it (doubling per attempt, at most 8 times the value).</summary>
    /// <value>Default: 5 minutes.</value>
    public int RetryMinutes { get; set; } = 5;

    /// <summary>Webhook request timeout in seconds.</summary>
    /// <value>Default: 10.</value>
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>The rules. Replaced as a whole by <c>&lt;lake&gt;/_alerts/rules.json</c> once an admin saved rules on the Alerts page.</summary>
    /// <value>Default: none.</value>
    public List<AlertRule> Rules { get; set; } = [];
}

/// <summary>The kinds of rule (the <see cref="AlertRule.Kind"/> values).</summary>
public static class AlertKinds
{
    /// <summary>A catalogue KPI (overall, one case type, or each case type) below its target, optionally with a significant fall.</summary>
    public const string KpiBelowTarget = "kpi_below_target";

    /// <summary>More than <see cref="AlertRule.MaxBreaches"/> SLA breaches in the last <see cref="AlertRule.WindowMinutes"/>.</summary>
    public const string SlaBreaches = "sla_breaches";

    /// <summary>Quarantined records above <see cref="AlertRule.MaxPercent"/> % of the records of the batches published in the window.</summary>
    public const string QuarantineShare = "quarantine_share";

    /// <summary>The figures' data freshness (data_through of the published rollup) older than <see cref="AlertRule.MaxAgeMinutes"/>.</summary>
    public const string DataFreshness = "data_freshness";

    /// <summary>An A/B variant with the verdict <c>rollback</c>.</summary>
    public const string ExperimentRollback = "experiment_rollback";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [KpiBelowTarget, SlaBreaches, QuarantineShare, DataFreshness, ExperimentRollback];
}

/// <summary>One alert rule. Which fields apply depends on <see cref="Kind"/> (docs/operations.md, "Alerts").</summary>
public sealed class AlertRule
{
    /// <summary>Unique id (1-64 letters, digits, '.', '_', '-'): the dedupe key and the name in every message.</summary>
    public string Id { get; set; } = "";

    /// <summary>One of <see cref="AlertKinds.All"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>False pauses the rule (an open breach is then resolved).</summary>
    /// <value>Default: true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>kpi_below_target: the catalogue key (<c>precision</c>, <c>recall</c>, <c>sla_compliance</c>, …).</summary>
    public string? Kpi { get; set; }

    /// <summary>kpi_below_target, sla_breaches: a case type, <c>*</c> for each case type on its own, empty for all pooled.</summary>
    public string? CaseType { get; set; }

    /// <summary>kpi_below_target: a ratio replacing the catalogue target (needed for a KPI without one).</summary>
    public double? Target { get; set; }

    /// <summary>kpi_below_target: fire only when the fall against the previous window is significant (contract v2 z-test).</summary>
    /// <value>Default: true.</value>
    public bool RequireSignificantFall { get; set; } = true;

    /// <summary>kpi_below_target: the window in days (UTC dates of scored_at up to today), compared with the window before.</summary>
    /// <value>Default: 7.</value>
    public int WindowDays { get; set; } = 7;

    /// <summary>sla_breaches: the most breaches allowed in the window.</summary>
    public long? MaxBreaches { get; set; }

    /// <summary>quarantine_share: the highest share allowed, in percent (0-100).</summary>
    public double? MaxPercent { get; set; }

    /// <summary>sla_breaches, quarantine_share: the window in minutes.</summary>
    /// <value>Default: 60.</value>
    public int WindowMinutes { get; set; } = 60;

    /// <summary>data_freshness: the oldest data_through allowed, in minutes.</summary>
    public int? MaxAgeMinutes { get; set; }

    /// <summary>experiment_rollback: only this experiment (default: every experiment).</summary>
    public string? Experiment { get; set; }

    /// <summary>Extra recipients of this rule's messages, besides <see cref="AlertsOptions.Recipients"/>.</summary>
    public List<string> Recipients { get; set; } = [];
}

/// <summary>Checks rules; every broken field gives one line naming the rule and the field.</summary>
public static class AlertRuleValidator
{
    /// <summary>The problems of a rule set (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<AlertRule>? rules, string prefix = "Alerts:Rules")
    {
        var errors = new List<string>();
        if (rules is null)
        {
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{prefix}:{i}");
            if (rule is null)
            {
                errors.Add($"{at}: empty rule");
                continue;
            }

            if (string.IsNullOrEmpty(rule.Id) || !System.Text.RegularExpressions.Regex.IsMatch(rule.Id, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"))
            {
                errors.Add($"{at}:Id '{rule.Id}' must be 1-64 letters, digits, '.', '_' or '-'");
            }
            else if (!seen.Add(rule.Id))
            {
                errors.Add($"{at}:Id '{rule.Id}' is used by another rule");
            }

            foreach (var recipient in rule.Recipients ?? [])
            {
                if (!MimeKit.MailboxAddress.TryParse(recipient, out _))
                {
                    errors.Add($"{at}:Recipients '{recipient}' is not an email address");
                }
            }

            switch (rule.Kind)
            {
                case AlertKinds.KpiBelowTarget:
                    CheckKpi(rule, at, errors);
                    break;
                case AlertKinds.SlaBreaches:
                    if (rule.MaxBreaches is not { } max || max < 0)
                    {
                        errors.Add($"{at}:MaxBreaches is required for sla_breaches (0 or more)");
                    }

                    CheckWindowMinutes(rule, at, errors);
                    break;
                case AlertKinds.QuarantineShare:
                    if (rule.MaxPercent is not { } pct || !double.IsFinite(pct) || pct < 0 || pct >= 100)
                    {
                        errors.Add($"{at}:MaxPercent is required for quarantine_share (0 to below 100)");
                    }

                    CheckWindowMinutes(rule, at, errors);
                    break;
                case AlertKinds.DataFreshness:
                    if (rule.MaxAgeMinutes is not { } age || age < 1)
                    {
                        errors.Add($"{at}:MaxAgeMinutes is required for data_freshness (1 or more)");
                    }

                    break;
                case AlertKinds.ExperimentRollback:
                    break;
                default:
                    errors.Add($"{at}:Kind '{rule.Kind}' is not one of {string.Join(", ", AlertKinds.All)}");
                    break;
            }
        }

        return errors;
    }

    /// <summary>The problems of the whole options (rules, recipients, webhooks, retry).</summary>
    public static IReadOnlyList<string> Validate(AlertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(Validate(options.Rules));
        errors.AddRange(options.Recipients.Where(r => !MimeKit.MailboxAddress.TryParse(r, out _)).Select(r => $"Alerts:Recipients '{r}' is not an email address"));
        errors.AddRange(options.Webhooks.Where(w => !IsWebhook(w)).Select(w => $"Alerts:Webhooks '{w}' is not an absolute http or https URL"));
        if (options.RetryMinutes is < 1 or > 1440)
        {
            errors.Add("Alerts:RetryMinutes must be 1-1440");
        }

        if (options.WebhookTimeoutSeconds is < 1 or > 300)
        {
            errors.Add("Alerts:WebhookTimeoutSeconds must be 1-300");
        }

        return errors;
    }

    private static bool IsWebhook(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void CheckWindowMinutes(AlertRule rule, string at, List<string> errors)
    {
        if (rule.WindowMinutes is < 1 or > 10080)
        {
            errors.Add($"{at}:WindowMinutes must be 1-10080");
        }
    }

    private static void CheckKpi(AlertRule rule, string at, List<string> errors)
    {
        var kpi = KpiCatalogue.All.FirstOrDefault(k => k.Key == rule.Kpi);
        if (kpi is null)
        {
            errors.Add($"{at}:Kpi '{rule.Kpi}' is not a KPI of the catalogue ({string.Join(", ", KpiCatalogue.All.Select(k => k.Key))})");
            return;
        }

        if (rule.Target is { } target && (!double.IsFinite(target) || target < 0 || target > 1))
        {
            errors.Add($"{at}:Target must be a ratio from 0 to 1");
        }

        if (rule.Target is null && kpi.Target is null)
        {
            errors.Add($"{at}:Kpi '{kpi.Key}' has no catalogue target: set Target");
        }

        if (rule.RequireSignificantFall && !kpi.Proportion && !kpi.Census)
        {
            errors.Add($"{at}:Kpi '{kpi.Key}' is not a proportion, so no fall is significant: set RequireSignificantFall to false");
        }

        if (rule.RequireSignificantFall && kpi.Counts(new RiskOps.Sql.Model.MetricSet()) is null)
        {
            errors.Add($"{at}:Kpi '{kpi.Key}' carries no n in the metric set, so no fall can be tested: set RequireSignificantFall to false");
        }

        if (rule.WindowDays is < 1 or > 92)
        {
            errors.Add($"{at}:WindowDays must be 1-92");
        }
    }
}
