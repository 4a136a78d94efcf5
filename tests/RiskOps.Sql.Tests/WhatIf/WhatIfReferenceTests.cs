using System.Globalization;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Analysis;
using RiskOps.Sql.Tests.Support;
using RiskOps.Sql.WhatIf;

namespace RiskOps.Sql.Tests.WhatIf;

/// <summary>
/// The what-if (sweep counts per case type × confidence percent × label, projected in C#) against a straightforward
/// per-case computation over the reference model's latest decisions and labels, on random lakes, raw and rollup paths.
/// </summary>
public sealed class WhatIfReferenceTests(RandomAnalysisLakes lakes) : IClassFixture<RandomAnalysisLakes>
{
    public static TheoryData<int, int> Lakes => new() { { 1, 1200 }, { 2, 2000 }, { 3, 3000 } };

    private static readonly (MetricFilters Filters, int Weeks)[] Calls =
    [
        (MetricFilters.None, 4),
        (MetricFilters.None, 2),
        (MetricFilters.None, 1),
        (MetricFilters.None with { CaseTypes = ["ATO", "KYC_AUDIT"] }, 4),
        (MetricFilters.None with { From = new DateOnly(2026, 11, 18), To = new DateOnly(2026, 11, 30) }, 4),
        (MetricFilters.None with { Vendors = ["V1"], Regions = ["EU"] }, 3),
        (MetricFilters.None with { ModelVersions = ["m2"], Weeks = ["2026-W47", "2026-W48"] }, 4),
    ];

    private static readonly Dictionary<string, double> Proposals = new(StringComparer.Ordinal)
    {
        ["ATO"] = 0.93, ["KYC_AUDIT"] = 0.5, ["RESET_2FA"] = 0.99, ["POA_REVIEW"] = 0.0,
    };

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetWhatIf_RandomLake_MatchesPerCaseReference(int seed, int cases)
    {
        var (lake, reference) = lakes.Get(seed, cases);
        var model = reference.Model;
        using var warehouse = Warehouse.Open(lake.Root);
        var proposals = Proposals.Select(p => new WhatIfProposal(p.Key.ToLowerInvariant(), p.Value)).ToList();
        var compared = 0;
        foreach (var rollup in new[] { false, true })
        {
            if (rollup && warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(RandomLake.AsOf);
            }

            warehouse.UseRollups = rollup;
            foreach (var (filters, weeks) in Calls)
            {
                var actual = warehouse.GetWhatIf(filters, proposals, weeks);
                Assert.Equal(rollup, warehouse.LastScopeFromRollup);
                var expected = Expected(model, filters, weeks);
                var where = $"seed {seed} rollup {rollup} {filters} weeks {weeks}";
                Assert.Equal(expected.WindowWeeks, actual.WindowWeeks);
                Assert.Equal(expected.Days, actual.Days);
                Assert.Equal(expected.From, actual.From);
                Assert.Equal(expected.ByCaseType.Select(c => c.CaseType), actual.ByCaseType.Select(c => c.CaseType));
                foreach (var (e, a) in expected.ByCaseType.Zip(actual.ByCaseType))
                {
                    Assert.Equal(e.Decisions, a.Decisions);
                    Assert.Equal(e.LabeledCases, a.LabeledCases);
                    Close(e.MedianHandlingHours, a.MedianHandlingHours, where);
                    Same(e.Current!, a.Current!, $"{where} {e.CaseType} current");
                    Same(e.Proposed!, a.Proposed!, $"{where} {e.CaseType} proposed");
                    compared++;
                }
            }
        }

        Assert.True(compared > 30, $"only {compared} case types compared");
    }

    [Fact]
    public void GetWhatIf_BadInput_ClearErrors()
    {
        var (lake, _) = lakes.Get(1, 1200);
        using var warehouse = Warehouse.Open(lake.Root);
        var unknown = Assert.Throws<InvalidFilterException>(() => warehouse.GetWhatIf(MetricFilters.None, [new WhatIfProposal("NOPE", 0.9)]));
        Assert.Contains("case type 'NOPE'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidFilterException>(() => warehouse.GetWhatIfCounts(MetricFilters.None, 0));
        Assert.Throws<InvalidFilterException>(() => warehouse.GetWhatIfCounts(MetricFilters.None, 27));
        Assert.Throws<InvalidFilterException>(() => warehouse.GetWhatIfCounts(MetricFilters.None, 4, "2026-W99"));
        // A window outside the data: no case type, no days.
        var empty = warehouse.GetWhatIf(MetricFilters.None, [new WhatIfProposal("ATO", 0.9)], 2, "2025-W10");
        Assert.Empty(empty.ByCaseType);
        Assert.Equal(0, empty.Days);
    }

    [Theory]
    [InlineData("ATO=0.92", "ATO", 0.92)]
    [InlineData(" KYC_AUDIT = 1 ", "KYC_AUDIT", 1.0)]
    [InlineData("ATO=0", "ATO", 0.0)]
    [InlineData("ATO=.5", "ATO", 0.5)]
    public void Parse_WellFormed_Proposal(string text, string caseType, double threshold)
    {
        var proposal = WhatIfProposal.Parse(text);
        Assert.Equal(caseType, proposal.CaseType);
        Assert.Equal(threshold, proposal.Threshold);
    }

    [Theory]
    [InlineData("ATO", "is not CASE_TYPE=T")]
    [InlineData("=0.9", "is not CASE_TYPE=T")]
    [InlineData("ATO=", "is not CASE_TYPE=T")]
    [InlineData("ATO=0.9=1", "is not CASE_TYPE=T")]
    [InlineData("ATO=abc", "is not a number")]
    [InlineData("ATO=NaN", "is not a number")]
    [InlineData("ATO=-0.1", "is not a number")]
    [InlineData("ATO=1.01", "outside [0, 1]")]
    [InlineData("ATO=0.925", "more than two decimals")]
    public void Parse_Malformed_OneLineError(string text, string message)
    {
        var error = Assert.Throws<InvalidFilterException>(() => WhatIfProposal.Parse(text));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ParseAll_SameCaseTypeTwice_Error() =>
        Assert.Throws<InvalidFilterException>(() => WhatIfProposal.ParseAll(["ATO=0.9", "ato=0.8"]));

    /// <summary>Straight from the definition: per case compare confidence with t = k / 100.0.</summary>
    private static WhatIfReport Expected(ReferenceModel model, MetricFilters filters, int weeks)
    {
        var scope = model.Scope(filters);
        var report = new WhatIfReport { Weeks = weeks };
        if (scope.Count == 0)
        {
            return report;
        }

        var lastWeek = scope.Select(d => ReferenceModel.Week(d.ScoredAt)).Max(StringComparer.Ordinal)!;
        var lastMonday = ISOWeek.ToDateTime(int.Parse(lastWeek[..4], CultureInfo.InvariantCulture), int.Parse(lastWeek[6..], CultureInfo.InvariantCulture), DayOfWeek.Monday);
        var window = Enumerable.Range(0, weeks).Select(i => ReferenceModel.Week(new DateTimeOffset(lastMonday.AddDays(-7 * (weeks - 1 - i)), TimeSpan.Zero))).ToList();
        report.WindowWeeks = window;
        var cases = scope.Where(d => window.Contains(ReferenceModel.Week(d.ScoredAt))).ToList();
        var dates = cases.Select(d => DateOnly.FromDateTime(d.ScoredAt.UtcDateTime)).ToList();
        var from = new[] { DateOnly.FromDateTime(lastMonday.AddDays(-7 * (weeks - 1))), dates.Min(), filters.From ?? DateOnly.MinValue }.Max();
        var to = new[] { DateOnly.FromDateTime(lastMonday.AddDays(6)), dates.Max(), filters.To ?? DateOnly.MaxValue }.Min();
        report.From = from;
        report.To = to;
        report.Days = to.DayNumber - from.DayNumber + 1;
        foreach (var group in cases.GroupBy(d => d.CaseType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var decisions = group.ToList();
            var ids = decisions.Select(d => d.CaseId).ToHashSet(StringComparer.Ordinal);
            var handling = model.Reviews
                .Where(r => ids.Contains(r.CaseId) && r.ResolvedAt is not null
                    && (filters.Vendors.Count == 0 || (r.Vendor is not null && filters.Vendors.Contains(r.Vendor))))
                .Select(r => (r.ResolvedAt!.Value - r.AssignedAt).Ticks / (double)TimeSpan.TicksPerHour)
                .ToList();
            var median = ReferenceModel.Quantile(handling, 0.5);
            var current = decisions.OrderByDescending(d => d.ScoredAt).ThenByDescending(d => d.CaseId, StringComparer.Ordinal).First().Threshold;
            report.ByCaseType.Add(new WhatIfCaseType
            {
                CaseType = group.Key,
                Decisions = decisions.Count,
                LabeledCases = decisions.Count(d => model.Labels.ContainsKey(d.CaseId)),
                MedianHandlingHours = median,
                Current = Figures(model, decisions, current, report.Days, median),
                Proposed = Figures(model, decisions, Proposals[group.Key], report.Days, median),
            });
        }

        return report;
    }

    private static WhatIfFigures Figures(ReferenceModel model, List<DecisionRow> decisions, double t, long days, double? median)
    {
        var labeled = decisions.Where(d => model.Labels.ContainsKey(d.CaseId)).Select(d => (d.Confidence, model.Labels[d.CaseId].Label)).ToList();
        var tpAuto = labeled.Count(x => x.Confidence >= t && x.Label == "TP");
        var fpAuto = labeled.Count(x => x.Confidence >= t && x.Label == "FP");
        var blocksManual = labeled.Count(x => x.Confidence < t && x.Label is "TP" or "FN");
        var trueBlocks = labeled.Count(x => x.Label is "TP" or "FN");
        var manual = decisions.Count(d => d.Confidence < t);
        var auto = decisions.Count - manual;
        var (pLow, pHigh) = ReferenceModel.Wilson(tpAuto + blocksManual, tpAuto + fpAuto + blocksManual);
        var (rLow, rHigh) = ReferenceModel.Wilson(tpAuto + blocksManual, trueBlocks);
        var (aLow, aHigh) = ReferenceModel.Wilson(auto, decisions.Count);
        var (mLow, mHigh) = ReferenceModel.Wilson(manual, decisions.Count);
        double perDay = (double)manual / days;
        return new WhatIfFigures
        {
            Threshold = t,
            Precision = tpAuto + fpAuto + blocksManual == 0 ? null : (double)(tpAuto + blocksManual) / (tpAuto + fpAuto + blocksManual),
            PrecisionCiLow = pLow,
            PrecisionCiHigh = pHigh,
            PrecisionN = tpAuto + fpAuto + blocksManual,
            Recall = trueBlocks == 0 ? null : (double)(tpAuto + blocksManual) / trueBlocks,
            RecallCiLow = rLow,
            RecallCiHigh = rHigh,
            RecallN = trueBlocks,
            AutomationRate = (double)auto / decisions.Count,
            AutomationRateCiLow = aLow,
            AutomationRateCiHigh = aHigh,
            AutomationRateN = decisions.Count,
            ManualCases = manual,
            ManualCasesPerDay = perDay,
            ManualCasesPerDayCiLow = mLow * decisions.Count / days,
            ManualCasesPerDayCiHigh = mHigh * decisions.Count / days,
            ReviewerHoursPerDay = perDay * median,
            ReviewerHoursPerDayCiLow = mLow * decisions.Count / days * median,
            ReviewerHoursPerDayCiHigh = mHigh * decisions.Count / days * median,
            MeetsTargets = trueBlocks > 0 && (double)(tpAuto + blocksManual) / (tpAuto + fpAuto + blocksManual) > 0.95 && (double)(tpAuto + blocksManual) / trueBlocks > 0.99,
        };
    }

    private static void Same(WhatIfFigures e, WhatIfFigures a, string where)
    {
        Assert.Equal(e.Threshold, a.Threshold);
        Assert.Equal(e.PrecisionN, a.PrecisionN);
        Assert.Equal(e.RecallN, a.RecallN);
        Assert.Equal(e.AutomationRateN, a.AutomationRateN);
        Assert.Equal(e.ManualCases, a.ManualCases);
        Assert.True(e.MeetsTargets == a.MeetsTargets, $"{where}: meets targets {e.MeetsTargets} vs {a.MeetsTargets}");
        foreach (var (name, x, y) in new (string, double?, double?)[]
                 {
                     ("precision", e.Precision, a.Precision), ("precision_ci_low", e.PrecisionCiLow, a.PrecisionCiLow), ("precision_ci_high", e.PrecisionCiHigh, a.PrecisionCiHigh),
                     ("recall", e.Recall, a.Recall), ("recall_ci_low", e.RecallCiLow, a.RecallCiLow), ("recall_ci_high", e.RecallCiHigh, a.RecallCiHigh),
                     ("automation", e.AutomationRate, a.AutomationRate), ("automation_ci_low", e.AutomationRateCiLow, a.AutomationRateCiLow), ("automation_ci_high", e.AutomationRateCiHigh, a.AutomationRateCiHigh),
                     ("manual_per_day", e.ManualCasesPerDay, a.ManualCasesPerDay), ("manual_low", e.ManualCasesPerDayCiLow, a.ManualCasesPerDayCiLow), ("manual_high", e.ManualCasesPerDayCiHigh, a.ManualCasesPerDayCiHigh),
                     ("hours", e.ReviewerHoursPerDay, a.ReviewerHoursPerDay), ("hours_low", e.ReviewerHoursPerDayCiLow, a.ReviewerHoursPerDayCiLow), ("hours_high", e.ReviewerHoursPerDayCiHigh, a.ReviewerHoursPerDayCiHigh),
                 })
        {
            Close(x, y, $"{where} {name}");
        }
    }

    private static void Close(double? expected, double? actual, string where)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{where}: expected {expected}, got {actual}");
        if (expected is { } e && actual is { } a)
        {
            Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{where}: expected {e}, got {a}");
        }
    }
}
