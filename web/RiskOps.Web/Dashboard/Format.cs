using System.Globalization;

namespace RiskOps.Web.Dashboard;

/// <summary>How figures are written on pages and in CSV: invariant culture, nulls as an em dash on pages.</summary>
internal static class Format
{
    /// <summary>Text for a missing figure (a ratio with a zero denominator).</summary>
    public const string None = "—";

    /// <summary>A ratio as a percentage with one decimal: <c>95.3 %</c>.</summary>
    public static string Pct(double? value) =>
        value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : None;

    /// <summary>A ratio with a Wilson interval: <c>95.3 % [94.1–96.2]</c>.</summary>
    public static string PctCi(double? value, double? low, double? high) =>
        value is null ? None
        : low is { } l && high is { } h ? $"{Pct(value)} [{(l * 100).ToString("0.0", CultureInfo.InvariantCulture)}–{(h * 100).ToString("0.0", CultureInfo.InvariantCulture)}]"
        : Pct(value);

    /// <summary>A change in percentage points: <c>+1.2 pp</c>.</summary>
    public static string DeltaPp(double? now, double? before) =>
        now is { } n && before is { } b ? ((n - b) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp" : None;

    /// <summary>A plain number with the given decimals.</summary>
    public static string Num(double? value, int decimals = 3) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : None;

    /// <summary>A count (plain digits, so the CSV cell is a number).</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An instant in UTC: <c>2026-11-23 14:05 UTC</c>.</summary>
    public static string Instant(DateTimeOffset? value) =>
        value is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : None;

    /// <summary>Any value from a query result.</summary>
    public static string Value(object? value) => value switch
    {
        null => None,
        DateTimeOffset dto => Instant(dto),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => Instant(new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc))),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => string.Join(", ", list.Cast<object?>().Select(Value)),
        _ => value.ToString() ?? None,
    };
}

/// <summary>
/// Page headers for table columns: CSV keeps the snake_case keys (stable for scripts), the page shows these names with
/// units. A key without an entry is shown with its underscores as spaces and a capital first letter.
/// </summary>
internal static class ColumnHeaders
{
    private static readonly Dictionary<string, string> _names = new(StringComparer.Ordinal)
    {
        ["case_type"] = "Case type", ["week"] = "Week (UTC)", ["decisions"] = "Decisions", ["labeled"] = "Labeled cases",
        ["labeled_cases"] = "Labeled cases", ["precision"] = "Precision", ["recall"] = "Recall", ["f1"] = "F1",
        ["accuracy"] = "Accuracy", ["automation_rate"] = "Automation (%)", ["automation"] = "Automation (%)",
        ["sla_compliance"] = "SLA ≤ 4 h (%)", ["decision_accuracy"] = "Decision accuracy (QA)",
        ["key_user_escalation"] = "Key-user escalation", ["sop_coverage"] = "SOP coverage", ["ece"] = "ECE", ["brier"] = "Brier",
        ["tp"] = "TP", ["fp"] = "FP", ["tn"] = "TN", ["fn"] = "FN", ["precision_ci"] = "Precision [95 % CI]", ["recall_ci"] = "Recall [95 % CI]",
        ["recall_auto_decided"] = "Recall, auto-decided (audit sample)", ["model_version"] = "Model version",
        ["bin"] = "Bin", ["range"] = "Confidence range", ["cases"] = "Cases", ["mean_confidence"] = "Mean confidence",
        ["observed_accuracy"] = "Observed accuracy", ["current_threshold"] = "Current threshold",
        ["recommended_threshold"] = "Recommended threshold", ["median_handling_hours"] = "Median handling (h)",
        ["automation_at_recommended"] = "Automation at recommended (%)", ["reviewer_hours_per_day_now"] = "Reviewer h/day now",
        ["reviewer_hours_per_day_at_recommended"] = "Reviewer h/day at recommended", ["threshold"] = "Threshold t",
        ["manual_cases_per_day"] = "Manual cases/day", ["reviewer_hours_per_day"] = "Reviewer h/day",
        ["manual_cases"] = "Manual cases", ["resolved"] = "Resolved", ["open"] = "Open", ["p50_hours"] = "p50 resolution (h)",
        ["p90_hours"] = "p90 resolution (h)", ["open_0_4h"] = "Open 0–4 h", ["open_4_24h"] = "Open 4–24 h", ["open_1_3d"] = "Open 1–3 d",
        ["open_over_3d"] = "Open > 3 d", ["org"] = "Org", ["vendor"] = "Vendor", ["reviewer"] = "Reviewer", ["qa_audits"] = "QA audits",
        ["correct"] = "Correct", ["kappa_cases"] = "Kappa cases", ["kappa"] = "Kappa", ["scenarios"] = "Scenarios", ["covered"] = "Covered",
        ["coverage"] = "Coverage", ["root_cause_code"] = "Root-cause code", ["root_cause_type"] = "Root-cause type", ["label"] = "Label",
        ["rank"] = "Rank", ["signals"] = "Signals", ["support"] = "Error cases", ["excess_errors"] = "Excess errors", ["lift"] = "Lift (×)",
        ["route"] = "Route", ["case_id"] = "Case id", ["scored_at"] = "Scored at (UTC)", ["ai_decision"] = "AI decision",
        ["confidence"] = "Confidence", ["routing"] = "Routing", ["annotation"] = "Annotation", ["kind"] = "Kind",
        ["rows"] = "Rows", ["row_count"] = "Rows", ["reason"] = "Reason", ["records"] = "Records", ["id"] = "Id", ["cron"] = "Schedule (cron)",
        ["queue"] = "Queue", ["last_run"] = "Last run (UTC)", ["last_state"] = "Last state", ["next_run"] = "Next run (UTC)",
        ["error"] = "Error", ["job_id"] = "Job id", ["job"] = "Job", ["state"] = "State", ["at"] = "At (UTC)", ["duration"] = "Duration",
        ["accuracy_bar"] = "Decision accuracy (bar)", ["overturned"] = "Overturned", ["overturn_rate"] = "AI-overturn rate",
        ["overturned_labeled"] = "Overturned, labeled", ["human_right"] = "Human right", ["agent_right"] = "Agent right",
        ["human_right_rate"] = "Human right when overturned",
        ["tenure_weeks"] = "Weeks since first review", ["tenure_reviews"] = "Review number", ["reviewers"] = "Reviewers", ["reviews"] = "Reviews",
        ["decision_accuracy_ci"] = "Decision accuracy [95 % CI]", ["overturn_correctness"] = "Overturn-correctness (human right)",
        ["reviews_total"] = "Reviews (all time)", ["weeks_active"] = "Weeks active",
    };

    /// <summary>The header shown for a column key.</summary>
    public static string Friendly(string key)
    {
        if (_names.TryGetValue(key, out var name))
        {
            return name;
        }

        var text = key.Replace('_', ' ');
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
