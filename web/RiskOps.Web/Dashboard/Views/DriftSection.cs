using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Drift;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Model quality's early warning without labels: week-over-week PSI of confidence and of each signal's rate.</summary>
internal static class DriftSection
{
    public static Section Build(PageRequest request)
    {
        var period = request.Period;
        var week = request.Data.Drift(request.Filters.Metrics);
        var trend = request.Data.Drift(period.Trend);
        var flagged = week.Entries.Where(e => e.Flagged).ToList();
        // Bounded (docs/operations.md, "Bounded category lists"): flagged slices first, then the largest; PSI is per slice,
        // so the rest get no "other" row, only the note's count.
        var shown = Categories.Top(week.Entries, e => (e.Flagged ? 1L << 40 : 0) + e.Decisions);
        var trendFlagged = trend.Entries.Where(e => e.Flagged).Reverse().ToList();
        var bullets = new List<string>
        {
            flagged.Count == 0
                ? $"No case type × model version shifted by more than PSI {Format.Num(DriftCalculator.FlagAbove, 1)} in {period.Short} (of {week.Entries.Count} compared)."
                : $"{flagged.Count} of {week.Entries.Count} case type × model version slices shifted in {period.Short}: "
                    + string.Join("; ", flagged.Take(Categories.MaxShown).Select(e => $"{Categories.Label(e.CaseType)} {Categories.Label(e.ModelVersion)} ({What(e)})"))
                    + (flagged.Count > Categories.MaxShown ? $"; and {flagged.Count - Categories.MaxShown} more" : "") + ".",
        };
        var trendFlags = trend.Entries.Count(e => e.Flagged);
        bullets.Add($"Over the {period.TrendWeeks.Count} weeks ending {period.Short}: {trendFlags} flagged slice-weeks.");
        if (shown.Rest.Count > 0)
        {
            bullets.Add($"The table shows {shown.Shown.Count} of {week.Entries.Count} case type × model version slices: flagged ones first, then the largest by decisions.");
        }

        return new Section($"Early warning without labels — drift, {period.Short} vs the week before")
        {
            Note = "Population stability index (PSI) = Σ (share now − share before) · ln(share now / share before), over all decided cases (no label needed), per case type and "
                + "model version, each ISO week against the one before. Confidence: the 10 bins [k/10, (k+1)/10) (1.0 in the last). Each signal: the two bins fired / not fired. "
                + $"An empty bin counts as a share of {Format.Num(DriftCalculator.Epsilon, 4)}. Flagged above {Format.Num(DriftCalculator.FlagAbove, 1)} when both weeks have at least "
                + $"{DriftCalculator.MinimumDecisions} decisions (else greyed, n < 30) and the shift is unlikely by chance (p < {Format.Num(DriftCalculator.MaximumPValue, 2)}: PSI · n₁n₂/(n₁+n₂) "
                + "against χ² with bins − 1 degrees of freedom — with ~60 decisions a week, 10 bins reach PSI 0.3 by chance alone). A model version new this week has no PSI.",
            Bullets = bullets,
            Tables =
            [
                new TableModel("drift", $"PSI per case type and model version — {period.Short}", ["case_type", "model_version", "decisions", "decisions_week_before", "confidence_psi", "confidence_psi_p", "largest_signal_shift", "signal_rate_before_now", "signal_psi", "flagged"],
                    shown.Shown.OrderByDescending(e => e.Flagged).ThenBy(e => e.CaseType, StringComparer.Ordinal).ThenBy(e => e.ModelVersion, StringComparer.Ordinal)
                        .Select(e => Row(e)).ToList())
                {
                    Empty = "No decision in this week for these filters.",
                },
                new TableModel("drift_trend", $"Flagged shifts over the trend ({period.TrendWeeks.Count} weeks)", ["week", "case_type", "model_version", "decisions", "confidence_psi", "largest_signal_shift", "signal_psi"],
                    trendFlagged.Take(Categories.MaxReviewers).Select(e => (IReadOnlyList<Cell>)
                    [
                        e.Week, Categories.Label(e.CaseType), Categories.Label(e.ModelVersion), Format.Count(e.Decisions), Psi(e, e.ConfidencePsi, e.ConfidenceFlagged),
                        e.Signals.FirstOrDefault()?.Signal ?? Format.None, e.Signals.FirstOrDefault() is { } s ? Psi(e, s.Psi, s.Flagged) : Format.None,
                    ]).ToList())
                {
                    Empty = "No shift flagged in these weeks.",
                },
            ],
        };
    }

    private static IReadOnlyList<Cell> Row(DriftEntry e)
    {
        var top = e.Signals.FirstOrDefault();
        return
        [
            Categories.Label(e.CaseType), Categories.Label(e.ModelVersion), Format.Count(e.Decisions), Format.Count(e.PreviousDecisions), Psi(e, e.ConfidencePsi, e.ConfidenceFlagged),
            Format.Num(e.ConfidencePValue, 4), top?.Signal ?? Format.None,
            top is null ? Format.None : $"{Format.Pct(top.PreviousRate)} → {Format.Pct(top.Rate)}",
            top is null ? Format.None : Psi(e, top.Psi, top.Flagged),
            e.Flagged ? "yes" : e.Comparable ? "no" : "n < 30",
        ];
    }

    /// <summary>A PSI cell: red when flagged, greyed with n &lt; 30 when a week is too small to flag.</summary>
    private static Cell Psi(DriftEntry e, double? psi, bool flagged) =>
        new(psi is null ? "— (no week before)" : Format.Num(psi, 3), Status: psi is null ? null : flagged ? KpiStatus.Red : e.Comparable ? KpiStatus.NoTarget : KpiStatus.SmallSample);

    private static string What(DriftEntry e)
    {
        var parts = new List<string>();
        if (e.ConfidenceFlagged)
        {
            parts.Add($"confidence PSI {Format.Num(e.ConfidencePsi, 2)}");
        }

        parts.AddRange(e.Signals.Where(s => s.Flagged).Take(3).Select(s => $"{s.Signal} {Format.Pct(s.PreviousRate)} → {Format.Pct(s.Rate)}, PSI {Format.Num(s.Psi, 2)}"));
        return string.Join(", ", parts) + $"; n = {e.Decisions.ToString(CultureInfo.InvariantCulture)} vs {e.PreviousDecisions.ToString(CultureInfo.InvariantCulture)}";
    }
}
