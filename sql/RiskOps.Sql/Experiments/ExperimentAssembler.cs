namespace RiskOps.Sql.Experiments;

/// <summary>
/// One arm's counts (a row of <c>experiments_arms.sql</c>): decisions, labels, routing, SLA, weighted label sums
/// (Σw and Σw² per label) and the population-estimate expected counts.
/// </summary>
public sealed record ArmCounts(
    string Experiment,
    string? CaseType,
    string Variant,
    long Decisions,
    long LabeledCases,
    long AutoDecisions,
    long SlaMet,
    long SlaDenominator,
    double WeightTp,
    double WeightSquaredTp,
    double WeightFp,
    double WeightSquaredFp,
    double WeightFn,
    double WeightSquaredFn,
    double ExpectedTp,
    double ExpectedFp,
    double ExpectedFn,
    DateTimeOffset? FirstScoredAt = null);

/// <summary>Turns arm counts into the figures, comparisons and verdicts of contract §2 "A/B comparisons".</summary>
public static class ExperimentAssembler
{
    /// <summary>The baseline arm's name.</summary>
    public const string Control = "control";

    /// <summary>The compared figures, in the order comparisons are listed.</summary>
    public static readonly IReadOnlyList<string> ComparedMetrics = ["precision_weighted", "recall_weighted", "automation_rate", "sla_compliance"];

    /// <summary>Figures whose significant fall means rollback.</summary>
    private static readonly string[] RollbackOnFall = ["precision_weighted", "recall_weighted", "sla_compliance"];

    /// <summary>Figures whose significant rise means ship (when nothing calls for a rollback).</summary>
    private static readonly string[] ShipOnRise = ["precision_weighted", "recall_weighted", "automation_rate"];

    /// <summary>Entries ordered by experiment, the all-case-types entry first, then case types; variants control first.</summary>
    public static ExperimentReport Assemble(IEnumerable<ArmCounts> arms, DateTimeOffset asOf, ExperimentRegistry? registry = null)
    {
        registry ??= ExperimentRegistry.Empty;
        var entries = arms
            .GroupBy(a => (a.Experiment, a.CaseType))
            .OrderBy(g => g.Key.Experiment, StringComparer.Ordinal)
            .ThenBy(g => g.Key.CaseType is null ? 0 : 1)
            .ThenBy(g => g.Key.CaseType, StringComparer.Ordinal)
            .Select(g => Entry(g.Key.Experiment, g.Key.CaseType, g.ToList(), asOf, registry.Find(g.Key.Experiment)))
            .ToList();
        return new ExperimentReport { AsOf = asOf, Experiments = entries };
    }

    private static ExperimentEntry Entry(string experiment, string? caseType, List<ArmCounts> arms, DateTimeOffset asOf, RegisteredExperiment? registered)
    {
        var figures = arms
            .OrderBy(a => a.Variant == Control ? 0 : 1)
            .ThenBy(a => a.Variant, StringComparer.Ordinal)
            .Select(Figures)
            .ToList();
        var control = figures.FirstOrDefault(f => f.Variant == Control);
        var comparisons = new List<ArmComparison>();
        var verdicts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variant in figures.Where(f => f.Variant != Control))
        {
            var mine = ComparedMetrics.Select(m => Compare(variant, control, m)).ToList();
            comparisons.AddRange(mine);
            verdicts[variant.Variant] = Verdict(mine);
        }

        var needed = verdicts.Where(v => v.Value == "continue")
            .Select(v => Needed(v.Key, comparisons.Where(c => c.Variant == v.Key).ToList()))
            .ToList();
        return new ExperimentEntry
        {
            Experiment = experiment,
            CaseType = caseType,
            Variants = figures,
            Comparisons = comparisons,
            Verdicts = verdicts,
            CasesNeeded = needed,
            GuardRails = Rails(caseType, arms, asOf, registered),
        };
    }

    /// <summary>
    /// The comparison of a <c>continue</c> variant that would settle soonest: among those whose observed direction
    /// decides (a fall of precision, recall or SLA means rollback; a rise of precision, recall or automation means ship),
    /// the one needing the fewest cases per arm.
    /// </summary>
    private static CasesNeeded Needed(string variant, IReadOnlyList<ArmComparison> comparisons)
    {
        var best = comparisons
            .Where(c => c.NeededPerArm is not null && c.Diff is { } d
                && ((d < 0 && RollbackOnFall.Contains(c.Metric)) || (d > 0 && ShipOnRise.Contains(c.Metric))))
            .OrderBy(c => c.NeededPerArm)
            .ThenBy(c => ComparedMetrics.ToList().IndexOf(c.Metric))
            .FirstOrDefault();
        return best is null
            ? new CasesNeeded { Variant = variant }
            : new CasesNeeded
            {
                Variant = variant,
                Metric = best.Metric,
                NeededPerArm = best.NeededPerArm,
                MoreVariant = Math.Max(0, best.NeededPerArm!.Value - (long)Math.Floor(best.N)),
                MoreControl = Math.Max(0, best.NeededPerArm!.Value - (long)Math.Floor(best.ControlN)),
            };
    }

    /// <summary>The registry, days running and sample-ratio check of one entry.</summary>
    internal static GuardRailReport Rails(string? caseType, IReadOnlyList<ArmCounts> arms, DateTimeOffset asOf, RegisteredExperiment? registered)
    {
        var warnings = new List<string>();
        var firstSeen = arms.Select(a => a.FirstScoredAt).Where(t => t is not null).Min();
        var start = registered?.Start ?? firstSeen;
        var startSource = registered?.Start is not null ? "registry" : firstSeen is not null ? "first_decision" : null;
        double? days = start is { } s ? Math.Round((asOf - s).TotalDays, 1) : null;
        if (days is { } running && running < GuardRails.MinimumDays)
        {
            warnings.Add($"running {running.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} days (< {GuardRails.MinimumDays}): the arms have not seen a full weekly cycle; a verdict now may not hold");
        }

        if (registered is null)
        {
            warnings.Add("not in the experiment registry: planned split unknown, so no sample-ratio check; register it (configuration section Experiments)");
            return new GuardRailReport
            {
                Start = start,
                StartSource = startSource,
                DaysRunning = days,
                Srm = new SrmCheck { Note = "not computed: the experiment is not registered, so its planned split is unknown" },
                Warnings = warnings,
            };
        }

        if (caseType is not null && !registered.CaseTypes.Contains(caseType, StringComparer.Ordinal))
        {
            warnings.Add($"case type {caseType} is not one the registry lists for this experiment ({string.Join(", ", registered.CaseTypes)})");
        }

        var srm = Srm(arms, registered.Split);
        if (srm.Flagged)
        {
            warnings.Add("sample-ratio mismatch: " + srm.Note + " — the assignment may be broken; do not trust the verdict until it is explained");
        }

        return new GuardRailReport
        {
            Registered = true,
            Owner = registered.Owner,
            RegisteredCaseTypes = registered.CaseTypes,
            PlannedSplit = registered.Split.OrderBy(p => p.Key == Control ? 0 : 1).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new PlannedArm(p.Key, p.Value)).ToList(),
            Start = start,
            StartSource = startSource,
            DaysRunning = days,
            Srm = srm,
            Warnings = warnings,
        };
    }

    private static SrmCheck Srm(IReadOnlyList<ArmCounts> arms, IReadOnlyDictionary<string, double> split)
    {
        var outside = arms.Where(a => !split.ContainsKey(a.Variant)).Select(a => a.Variant).Order(StringComparer.Ordinal).ToList();
        if (outside.Count > 0)
        {
            return new SrmCheck { Flagged = true, Note = $"arm(s) {string.Join(", ", outside)} in the lake but not in the planned split" };
        }

        var planned = split.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var observed = planned.Select(p => arms.Where(a => a.Variant == p.Key).Sum(a => a.Decisions)).ToList();
        if (GuardRails.SampleRatioMismatch(observed, planned.Select(p => p.Value).ToList()) is not var (chi, df, pValue))
        {
            return new SrmCheck { Note = "not computed: no decisions in scope" };
        }

        var counts = string.Join(" / ", planned.Select((p, i) => $"{p.Key} {observed[i]}"));
        var shares = string.Join(" / ", planned.Select(p => p.Value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)));
        var flagged = pValue < GuardRails.SrmAlpha;
        return new SrmCheck
        {
            Computed = true,
            ChiSquare = chi,
            DegreesOfFreedom = df,
            PValue = pValue,
            Flagged = flagged,
            Note = $"decisions {counts} against planned {shares}: chi-square {chi.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}, "
                + $"p = {pValue.ToString(pValue < 0.0001 ? "0.0e0" : "0.0000", System.Globalization.CultureInfo.InvariantCulture)}{(flagged ? " < 0.001" : "")}",
        };
    }

    /// <summary><c>rollback</c> on a significant fall of precision, recall or SLA; else <c>ship</c> on a significant rise of precision, recall or automation; else <c>continue</c>.</summary>
    public static string Verdict(IReadOnlyList<ArmComparison> comparisons)
    {
        if (comparisons.Any(c => c.Significant && c.Diff < 0 && RollbackOnFall.Contains(c.Metric)))
        {
            return "rollback";
        }

        return comparisons.Any(c => c.Significant && c.Diff > 0 && ShipOnRise.Contains(c.Metric)) ? "ship" : "continue";
    }

    private static VariantFigures Figures(ArmCounts a)
    {
        var precisionN = AbStatistics.EffectiveN(a.WeightTp + a.WeightFp, a.WeightSquaredTp + a.WeightSquaredFp);
        var recallN = AbStatistics.EffectiveN(a.WeightTp + a.WeightFn, a.WeightSquaredTp + a.WeightSquaredFn);
        var precision = precisionN > 0 ? AbStatistics.Ratio(a.WeightTp, a.WeightTp + a.WeightFp) : null;
        var recall = recallN > 0 ? AbStatistics.Ratio(a.WeightTp, a.WeightTp + a.WeightFn) : null;
        var precisionCi = precision is { } p ? AbStatistics.Wilson(p, precisionN) : null;
        var recallCi = recall is { } r ? AbStatistics.Wilson(r, recallN) : null;
        return new VariantFigures
        {
            Variant = a.Variant,
            Decisions = a.Decisions,
            LabeledCases = a.LabeledCases,
            PrecisionWeighted = precision,
            PrecisionWeightedN = precisionN,
            PrecisionWeightedCiLow = precisionCi?.Low,
            PrecisionWeightedCiHigh = precisionCi?.High,
            RecallWeighted = recall,
            RecallWeightedN = recallN,
            RecallWeightedCiLow = recallCi?.Low,
            RecallWeightedCiHigh = recallCi?.High,
            AutomationRate = AbStatistics.Ratio(a.AutoDecisions, a.Decisions),
            AutomationRateN = a.Decisions,
            SlaCompliance = AbStatistics.Ratio(a.SlaMet, a.SlaDenominator),
            SlaComplianceN = a.SlaDenominator,
            PrecisionEst = AbStatistics.Ratio(a.ExpectedTp, a.ExpectedTp + a.ExpectedFp),
            RecallEst = AbStatistics.Ratio(a.ExpectedTp, a.ExpectedTp + a.ExpectedFn),
            LabelCompleteness = AbStatistics.Ratio(a.LabeledCases, a.Decisions),
        };
    }

    private static (double? Value, double N) Figure(VariantFigures f, string metric) => metric switch
    {
        "precision_weighted" => (f.PrecisionWeighted, f.PrecisionWeightedN),
        "recall_weighted" => (f.RecallWeighted, f.RecallWeightedN),
        "automation_rate" => (f.AutomationRate, f.AutomationRateN),
        "sla_compliance" => (f.SlaCompliance, f.SlaComplianceN),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a compared figure"),
    };

    private static ArmComparison Compare(VariantFigures variant, VariantFigures? control, string metric)
    {
        var (value, n) = Figure(variant, metric);
        var (controlValue, controlN) = control is null ? (null, 0) : Figure(control, metric);
        if (value is not { } v || controlValue is not { } c || !(n > 0) || !(controlN > 0)
            || AbStatistics.Newcombe(v, n, c, controlN) is not var (diff, low, high))
        {
            return new ArmComparison { Variant = variant.Variant, Metric = metric, N = n, ControlN = controlN };
        }

        return new ArmComparison
        {
            Variant = variant.Variant,
            Metric = metric,
            Control = c,
            Value = v,
            Diff = diff,
            CiLow = low,
            CiHigh = high,
            Significant = n >= AbStatistics.MinimumN && controlN >= AbStatistics.MinimumN && (low > 0 || high < 0),
            N = n,
            ControlN = controlN,
            NeededPerArm = GuardRails.RequiredPerArm(v, c),
        };
    }
}
