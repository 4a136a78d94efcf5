using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Experiments;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// Experiments (issue 15 item 2): per A/B experiment and case type, each arm's figures on weighted labels with n and
/// effective n, the Newcombe interval of each difference with control, the verdict, and beside it the guard rails
/// (registry, planned split and SRM check, days running) and, for <c>continue</c>, the cases that would settle it.
/// </summary>
internal static class ExperimentsView
{
    private static readonly string[] ArmColumns =
        ["variant", "decisions", "labeled_cases_completeness", "precision_weighted", "recall_weighted", "automation_rate", "sla_compliance", "precision_est", "recall_est"];

    private static readonly string[] ComparisonColumns =
        ["variant", "figure", "control", "variant_value", "diff_pp", "newcombe_95_ci_pp", "n_variant", "n_control", "significant", "needed_per_arm_80_power_if_continue"];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var registry = request.Services.GetService(typeof(ExperimentRegistry)) as ExperimentRegistry ?? ExperimentRegistry.Empty;
        // An experiment runs for weeks: its comparison covers every decision the user's filters select, not the review week.
        var filters = request.UrlFilters.Metrics;
        var report = request.Data.Experiments(filters, request.AsOf, registry);
        var sections = new List<Section>
        {
            new("How to read this page")
            {
                Note = "Figures cover every decision the filters select (not only the review week): an experiment runs for weeks.",
                Bullets =
                [
                    "Precision and recall (weighted): over weighted labels — a review label weighs 1 (or its sample weight), an audit-sample label its sample weight; chargeback, complaint and other outcome-triggered labels are left out, because arms that route differently are labelled differently. Their n is the effective n (Σw)²/Σw².",
                    "Automation: all decisions of the arm. SLA ≤ 4 h: the arm's resolved manual cases plus open ones older than 4 h at the as-of. Estimated precision/recall: all decisions of the arm, each unlabelled case counted at its calibration-map share.",
                    "Each variant is compared with control: diff with its 95 % Newcombe (hybrid score) interval; significant when both n ≥ 30 and the interval excludes 0. Verdict: rollback on a significant fall of precision, recall or SLA; else ship on a significant rise of precision, recall or automation; else continue.",
                    $"Guard rails: a sample-ratio-mismatch chi-square of the arms' decisions against the registry's planned split (flagged at p < 0.001), a warning under {GuardRails.MinimumDays} days, and for continue the n per arm a two-proportion z-test (α 0.05, 80 % power) needs at the observed difference.",
                ],
            },
        };
        if (report.Experiments.Count == 0)
        {
            sections.Add(new Section("No experiments") { Note = "No decision in scope carries an experiment and variant." });
        }

        foreach (var experiment in report.Experiments.GroupBy(e => e.Experiment))
        {
            // With one case type the all-case-types entry repeats it figure for figure: show it only when there are several.
            var entries = experiment.Count(e => e.CaseType is not null) == 1 ? experiment.Where(e => e.CaseType is not null) : experiment;
            sections.AddRange(entries.Select(e => Entry(e, verdictsOf: e)));
        }

        return new PageView(
            "experiments",
            "Experiments",
            $"A/B comparisons as of {Format.Instant(request.AsOf)}, over every decision the filters select — the review week does not narrow them (pick a week or dates to do so); "
                + $"{report.Experiments.Select(e => e.Experiment).Distinct().Count()} experiment(s) in scope.",
            sections);
    }

    private static Section Entry(ExperimentEntry entry, ExperimentEntry verdictsOf)
    {
        var slug = Slug(entry.Experiment + "-" + (entry.CaseType ?? "all"));
        var verdicts = entry.Verdicts.Count == 0
            ? "no variant besides control"
            : string.Join(", ", entry.Verdicts.Select(v => $"{v.Key}: {v.Value}"));
        var bullets = new List<string>();
        foreach (var (variant, verdict) in entry.Verdicts)
        {
            bullets.Add($"Verdict {variant}: {verdict.ToUpperInvariant()} — {Reason(entry, variant, verdict)}");
        }

        foreach (var need in entry.CasesNeeded)
        {
            bullets.Add(need.NeededPerArm is { } perArm
                ? $"Cases needed ({need.Variant}): {Format.Count(perArm)} per arm on {Friendly(need.Metric!)} would settle it at the observed difference (80 % power, α 0.05) — "
                    + $"{Format.Count(need.MoreVariant ?? 0)} more in {need.Variant}, {Format.Count(need.MoreControl ?? 0)} more in control"
                    + (need.Metric is "precision_weighted" or "recall_weighted" ? " (effective n of weighted labels)." : ".")
                : $"Cases needed ({need.Variant}): no comparison shows a difference that would decide; more cases alone may not settle it.");
        }

        bullets.AddRange(entry.GuardRails.Warnings.Select(w => "⚠ " + char.ToUpperInvariant(w[0]) + w[1..]));
        return new Section($"{entry.Experiment} — {entry.CaseType ?? "all case types"} — {verdicts}")
        {
            Note = Rails(entry.GuardRails),
            Bullets = bullets,
            Tables =
            [
                new TableModel($"{slug}-arms", "Arms", ArmColumns, entry.Variants.Select(Arm).ToList()),
                new TableModel($"{slug}-vs-control", "Each variant vs control", ComparisonColumns,
                    entry.Comparisons.Select(c => Comparison(c, verdictsOf.Verdicts.GetValueOrDefault(c.Variant))).ToList())
                {
                    Empty = "No variant besides control to compare.",
                },
            ],
        };
    }

    private static string Reason(ExperimentEntry entry, string variant, string verdict)
    {
        var mine = entry.Comparisons.Where(c => c.Variant == variant).ToList();
        static string Text(ArmComparison c) => $"{Friendly(c.Metric)} {Pp(c.Diff)} [{Pp(c.CiLow)}, {Pp(c.CiHigh)}]";
        var significant = mine.Where(c => c.Significant).Select(Text).ToList();
        // The comparisons that decided the verdict first, then any other significant ones.
        var deciding = mine.Where(c => c.Significant && (verdict == "rollback" ? c.Diff < 0 && c.Metric != "automation_rate" : c.Diff > 0 && c.Metric != "sla_compliance")).ToList();
        var others = mine.Where(c => c.Significant && !deciding.Contains(c)).Select(Text).ToList();
        return verdict switch
        {
            "rollback" or "ship" => "significant: " + string.Join("; ", deciding.Select(Text)) + "." + (others.Count > 0 ? " Also significant: " + string.Join("; ", others) + "." : ""),
            _ => significant.Count == 0
                ? "no difference with control is significant yet."
                : "significant only on figures that decide nothing here: " + string.Join("; ", significant) + ".",
        };
    }

    private static string Rails(GuardRailReport rails)
    {
        var start = rails.Start is { } s
            ? $"started {Format.Instant(s)} ({(rails.StartSource == "registry" ? "registry" : "first decision in the lake")}), running {rails.DaysRunning?.ToString("0.#", CultureInfo.InvariantCulture)} days"
            : "start unknown";
        var registry = rails.Registered
            ? $"Registered: owner {rails.Owner}; case types {string.Join(", ", rails.RegisteredCaseTypes)}; planned split {string.Join(" / ", rails.PlannedSplit.Select(p => $"{p.Variant} {Format.Pct(p.Share)}"))}"
            : "Unregistered: planned split unknown, so the sample-ratio check is not computed";
        var srm = rails.Srm.Computed
            ? $"Sample-ratio check: {rails.Srm.Note}{(rails.Srm.Flagged ? " — MISMATCH" : " — no mismatch")}"
            : $"Sample-ratio check: {rails.Srm.Note}";
        return $"{registry}. {char.ToUpperInvariant(start[0])}{start[1..]}. {srm}.";
    }

    private static IReadOnlyList<Cell> Arm(VariantFigures v) =>
    [
        v.Variant,
        Format.Count(v.Decisions),
        $"{Format.Count(v.LabeledCases)} ({Format.Pct(v.LabelCompleteness)})",
        Weighted(v.PrecisionWeighted, v.PrecisionWeightedCiLow, v.PrecisionWeightedCiHigh, v.PrecisionWeightedN),
        Weighted(v.RecallWeighted, v.RecallWeightedCiLow, v.RecallWeightedCiHigh, v.RecallWeightedN),
        Ratio(v.AutomationRate, v.AutomationRateN),
        Ratio(v.SlaCompliance, v.SlaComplianceN),
        Format.Pct(v.PrecisionEst),
        Format.Pct(v.RecallEst),
    ];

    private static IReadOnlyList<Cell> Comparison(ArmComparison c, string? verdict) =>
    [
        c.Variant,
        Friendly(c.Metric),
        Format.Pct(c.Control),
        Format.Pct(c.Value),
        Pp(c.Diff),
        c.CiLow is null ? Format.None : $"[{Pp(c.CiLow)}, {Pp(c.CiHigh)}]",
        EffectiveN(c.N),
        EffectiveN(c.ControlN),
        new Cell(c.Significant ? "yes" : c.N < AbStatistics.MinimumN || c.ControlN < AbStatistics.MinimumN ? "no (n < 30)" : "no",
            Status: c.Significant ? (c.Diff < 0 ? KpiStatus.Red : KpiStatus.Green) : null),
        // Only where the question is still open: a settled comparison or verdict needs no more cases.
        verdict == "continue" && !c.Significant && c.NeededPerArm is { } n ? Format.Count(n) : Format.None,
    ];

    /// <summary>A weighted figure with its Wilson interval and effective n; greyed below an effective n of 30.</summary>
    private static Cell Weighted(double? value, double? low, double? high, double n) =>
        new(Format.PctCi(value, low, high) + $" eff. n {n.ToString("0.#", CultureInfo.InvariantCulture)}",
            Status: value is null ? KpiStatus.NoData : n < AbStatistics.MinimumN ? KpiStatus.SmallSample : KpiStatus.NoTarget);

    private static Cell Ratio(double? value, long n) =>
        new(Format.Pct(value), Status: value is null ? KpiStatus.NoData : n < AbStatistics.MinimumN ? KpiStatus.SmallSample : KpiStatus.NoTarget) { N = n };

    private static string EffectiveN(double n) => n.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Pp(double? value) =>
        value is { } v ? (v * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp" : Format.None;

    private static string Friendly(string metric) => metric switch
    {
        "precision_weighted" => "precision (weighted)",
        "recall_weighted" => "recall (weighted)",
        "automation_rate" => "automation",
        "sla_compliance" => "SLA ≤ 4 h",
        _ => metric,
    };

    private static string Slug(string text) =>
        new(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? char.ToLowerInvariant(ch) : '-').ToArray());
}
