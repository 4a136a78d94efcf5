using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;
using RiskOps.Sql.WhatIf;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// The Calibration page's what-if form: a proposed threshold per case type (<c>propose_ATO=0.92</c>) and the window
/// (<c>whatif_weeks</c>, default 4), projected from the cached sweep counts beside the current threshold's figures.
/// </summary>
internal static class WhatIfSection
{
    /// <summary>The query key of the window length.</summary>
    public const string WeeksKey = "whatif_weeks";

    /// <summary>The query key prefix of a proposal (<c>propose_ATO</c>).</summary>
    public const string ProposePrefix = "propose_";

    public static Section Build(PageRequest request)
    {
        var errors = new List<string>();
        var weeks = WhatIfCounts.DefaultWeeks;
        var weeksText = request.Query[WeeksKey].ToString().Trim();
        if (weeksText.Length > 0 && (!int.TryParse(weeksText, NumberStyles.None, CultureInfo.InvariantCulture, out weeks) || weeks is < 1 or > WhatIfCounts.MaxWeeks))
        {
            errors.Add($"Weeks '{weeksText}' is not a whole number from 1 to {WhatIfCounts.MaxWeeks}; the default {WhatIfCounts.DefaultWeeks} is used.");
            weeks = WhatIfCounts.DefaultWeeks;
        }

        // The window ends with the page's week (its filters without the period); for a range, the range's last week with data.
        var period = request.Period;
        var (filters, endWeek) = period.Week is { } week
            ? (request.UrlFilters.Metrics with { Weeks = [], From = null, To = null }, week)
            : (request.Filters.Metrics, (string?)null);
        var counts = request.Data.WhatIfCounts(filters, weeks, endWeek);

        var proposals = new Dictionary<string, double>(StringComparer.Ordinal);
        var typed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in request.Query.Keys.Where(k => k.StartsWith(ProposePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = key[ProposePrefix.Length..];
            var value = request.Query[key].ToString().Trim();
            var type = counts.ByCaseType.FirstOrDefault(c => string.Equals(c.CaseType, name, StringComparison.OrdinalIgnoreCase));
            if (value.Length == 0)
            {
                continue;
            }

            if (type is null)
            {
                errors.Add($"Case type '{name}' has no decision in the window; its proposal is ignored.");
                continue;
            }

            typed[type.CaseType] = value;
            try
            {
                proposals[type.CaseType] = WhatIfProposal.ParseThreshold(value, type.CaseType);
            }
            catch (InvalidFilterException ex)
            {
                errors.Add(ex.Message + ".");
            }
        }

        var report = counts.Project(proposals);
        var window = report.WindowWeeks.Count == 0 ? "no decision in scope"
            : $"{string.Join(", ", report.WindowWeeks)}; {report.Days} days" + (report.From is { } f && report.To is { } t ? $", {f:yyyy-MM-dd} – {t:yyyy-MM-dd} UTC" : "");
        // The page's filters ride along as hidden fields, so projecting keeps the week and scope.
        var hidden = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.UrlFilters.QueryString)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? "")))
            .ToList();
        var fields = new List<FormField> { new(WeeksKey, "Weeks", weeksText.Length > 0 ? weeksText : "", WhatIfCounts.DefaultWeeks.ToString(CultureInfo.InvariantCulture)) };
        // One field per case type for the 12 with the most decisions (issue 12: a lake of 200 junk case types must not give
        // a 200-field form), plus any case type already proposed through the URL; labels cut like every category label.
        var offered = Categories.Top(report.ByCaseType, c => c.Decisions);
        var shownTypes = offered.Shown.Select(c => c.CaseType).ToHashSet(StringComparer.Ordinal);
        fields.AddRange(report.ByCaseType.Where(c => shownTypes.Contains(c.CaseType) || typed.ContainsKey(c.CaseType)).Select(c => new FormField(
            ProposePrefix + c.CaseType, Categories.Label(c.CaseType), typed.GetValueOrDefault(c.CaseType, ""), c.Current is { } cur ? cur.Threshold.ToString("0.00", CultureInfo.InvariantCulture) : "0.90")));

        var rows = new List<IReadOnlyList<Cell>>();
        foreach (var c in report.ByCaseType.Where(c => c.Proposed is not null))
        {
            rows.Add(Row(c, "current", c.Current));
            rows.Add(Row(c, "proposed", c.Proposed));
        }

        return new Section($"What-if: a proposed threshold over the last {weeks} weeks")
        {
            Note = $"Window: {window}. " + (offered.Rest.Count == 0 ? "" : $"Fields for the {offered.Shown.Count} of {report.ByCaseType.Count} case types with the most decisions (add propose_<case type>=t to the URL for another). ") + $"Enter a threshold (0–1, two decimals) for any case type and press Project. Same model as the sweep: cases with confidence ≥ t keep "
                + "the agent's decision, the rest go to a human taken to be right. Precision and recall over the window's labeled cases, automation and manual cases over all its "
                + "decisions; [95 % Wilson interval] with n. Reviewer hours = manual cases/day × the case type's measured median handling time (resolved − assigned) in the window, "
                + "its interval from the manual-share interval only. Projected from counts per confidence percent, not per case.",
            Bullets = report.ByCaseType.Where(c => c.Proposed is not null)
                .Select(c => c.MedianHandlingHours is { } h
                    ? $"{c.CaseType}: median handling {Format.Num(h, 2)} h over {Format.Count(c.MedianHandlingHoursN)} resolved reviews; {Format.Count(c.Decisions)} decisions, {Format.Count(c.LabeledCases)} labeled in the window."
                    : $"{c.CaseType}: no resolved review in the window, so reviewer hours are not projected; {Format.Count(c.Decisions)} decisions, {Format.Count(c.LabeledCases)} labeled.")
                .ToList(),
            Form = new FormModel("whatif", "/calibration", fields, hidden, "Project") { Error = errors.Count == 0 ? null : string.Join(" ", errors) },
            Tables =
            [
                new TableModel("what_if", "Current vs proposed threshold", ["case_type", "scenario", "threshold", "precision", "recall", "automation_rate", "manual_cases_per_day", "reviewer_hours_per_day", "targets"], rows)
                {
                    Empty = "No proposal yet: enter a threshold above.",
                },
            ],
        };
    }

    private static IReadOnlyList<Cell> Row(WhatIfCaseType c, string scenario, WhatIfFigures? f) => f is null
        ? [c.CaseType, scenario, Format.None, Format.None, Format.None, Format.None, Format.None, Format.None, Format.None]
        :
        [
            c.CaseType, scenario,
            Format.Num(f.Threshold, 2) + (f.ThresholdAsGiven is { } g ? $" (in force {g.ToString("0.###", CultureInfo.InvariantCulture)})" : ""),
            Ratio(f.Precision, f.PrecisionCiLow, f.PrecisionCiHigh, f.PrecisionN),
            Ratio(f.Recall, f.RecallCiLow, f.RecallCiHigh, f.RecallN),
            Ratio(f.AutomationRate, f.AutomationRateCiLow, f.AutomationRateCiHigh, f.AutomationRateN),
            Range(f.ManualCasesPerDay, f.ManualCasesPerDayCiLow, f.ManualCasesPerDayCiHigh),
            f.ReviewerHoursPerDay is null ? "— (no handling time measured)" : Range(f.ReviewerHoursPerDay, f.ReviewerHoursPerDayCiLow, f.ReviewerHoursPerDayCiHigh),
            f.MeetsTargets ? "met" : "not met",
        ];

    private static Cell Ratio(double? value, double? low, double? high, long n) =>
        new(Format.PctCi(value, low, high), Status: n < Kpi.MinimumN ? KpiStatus.SmallSample : null) { N = n };

    private static string Range(double? value, double? low, double? high) =>
        value is null ? Format.None : $"{Format.Num(value, 1)} [{Format.Num(low, 1)}–{Format.Num(high, 1)}]";
}
