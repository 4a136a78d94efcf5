using RiskOps.Sql.Model;
using RiskOps.Sql.Overturn;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Overturn;

/// <summary>
/// <see cref="Warehouse.GetOverturn"/>: hand-counted rows, and the SQL (raw views and the rollup's case snapshot) against
/// an independent computation over the reference model's latest-wins records on random lakes of several seeds.
/// </summary>
public sealed class OverturnTests
{
    [Fact]
    public void GetOverturn_HandLake_CountsResolvedOverturnedAndWhoWasRight()
    {
        var data = new LakeData();
        void Case(string id, string type, string ai, string routing = "manual", int day = 0) =>
            data.Decisions.Add(new DecisionRow { CaseId = id, CaseType = type, AiDecision = ai, Routing = routing, ScoredAt = LakeRow.Epoch.AddDays(day) });
        void Review(string id, string caseId, string? decision, string reviewer = "rv1", string? vendor = "V1", int hours = 1) =>
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = id, CaseId = caseId, ReviewerId = reviewer, ReviewerOrg = vendor is null ? "INHOUSE" : "BPO", Vendor = vendor,
                AssignedAt = LakeRow.Epoch.AddHours(hours), Decision = decision, ResolvedAt = decision is null ? null : LakeRow.Epoch.AddHours(hours + 1),
            });
        void Label(string caseId, string label) =>
            data.Labels.Add(new LabelRow { CaseId = caseId, Label = label, RootCauseType = label is "FP" or "FN" ? "A" : null });

        Case("c1", "ATO", "block");              // overturned to pass, truth pass (FP): the human was right
        Review("r1", "c1", "pass");
        Label("c1", "FP");
        Case("c2", "ATO", "pass");               // first review blocked, the latest (by assigned_at) passed: upheld
        Review("r2a", "c2", "block", hours: 1);
        Review("r2b", "c2", "pass", hours: 3);
        Case("c3", "KYC_AUDIT", "pass", day: 7); // overturned to block by an in-house reviewer, truth pass (TN): the agent was right
        Review("r3", "c3", "block", reviewer: "rv2", vendor: null);
        Label("c3", "TN");
        Case("c4", "KYC_AUDIT", "block", day: 7); // upheld
        Review("r4", "c4", "block", reviewer: "rv2", vendor: null);
        Case("c5", "ATO", "block");              // open: not resolved
        Review("r5", "c5", null);
        Case("c6", "ATO", "block");              // latest review escalated: not resolved
        Review("r6", "c6", "escalate");
        Case("c7", "ATO", "block", routing: "auto"); // auto-decided: no human decision
        Label("c7", "TP");
        Case("c8", "ATO", "pass");               // overturned, unlabeled: counted, nobody known right
        Review("r8", "c8", "block");
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetOverturn(MetricFilters.None);

        AssertRow(report.Overall, resolved: 5, overturned: 3, labeled: 2, human: 1, agent: 1);
        Assert.Equal(0.6, report.Overall.OverturnRate);
        Assert.Equal(5, report.Overall.OverturnRateN);
        Assert.Equal(0.5, report.Overall.HumanRightRate);
        Assert.Equal(2, report.Overall.HumanRightRateN);
        Assert.Equal(["ATO", "KYC_AUDIT"], report.ByCaseType.Select(r => r.Slice));
        AssertRow(report.ByCaseType[0], resolved: 3, overturned: 2, labeled: 1, human: 1, agent: 0);
        AssertRow(report.ByCaseType[1], resolved: 2, overturned: 1, labeled: 1, human: 0, agent: 1);
        AssertRow(Assert.Single(report.ByVendor, r => r.Slice == "V1"), resolved: 3, overturned: 2, labeled: 1, human: 1, agent: 0);
        Assert.Single(report.ByVendor);
        AssertRow(Assert.Single(report.ByOrg, r => r.Slice == "INHOUSE"), resolved: 2, overturned: 1, labeled: 1, human: 0, agent: 1);
        var rv2 = Assert.Single(report.ByReviewer, r => r.Slice == "rv2");
        Assert.Equal(("INHOUSE", (string?)null), (rv2.Org, rv2.Vendor));
        Assert.Equal(["2026-W47", "2026-W48"], report.ByWeek.Select(r => r.Slice));
        Assert.Equal(0.5, Assert.Single(report.ByCaseType, r => r.Slice == "KYC_AUDIT").OverturnRate);
        Assert.False(report.FromRollup);
    }

    [Fact]
    public void GetOverturn_NoResolvedCasesInScope_RatesAreNullNeverZero()
    {
        var data = new LakeData();
        data.Decisions.Add(new DecisionRow { CaseId = "c1", Routing = "manual", AiDecision = "block" });
        data.Reviews.Add(new ReviewRow { ReviewId = "r1", CaseId = "c1", Vendor = "V1", ReviewerOrg = "BPO" });
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetOverturn(MetricFilters.None);
        var week = warehouse.GetOverturn(new MetricFilters { Weeks = ["2020-W01"] });

        Assert.Equal(0, report.Overall.ResolvedCases);
        Assert.Null(report.Overall.OverturnRate);
        Assert.Null(report.Overall.HumanRightRate);
        Assert.Empty(report.ByVendor);
        Assert.Null(week.Overall.OverturnRate);
        Assert.Throws<InvalidFilterException>(() => warehouse.GetOverturn(new MetricFilters { Vendors = ["nobody"] }));
    }

    public static TheoryData<int, int, bool> Lakes => new()
    {
        { 1, 300, false }, { 3, 500, false }, { 11, 400, false }, { 3, 500, true }, { 11, 400, true },
    };

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetOverturn_RandomLake_MatchesIndependentComputation(int seed, int cases, bool rollup)
    {
        var data = RandomLake.Generate(seed, cases);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(RandomLake.AsOf);
        }

        var reference = new ReferenceModel(data);
        MetricFilters[] filters =
        [
            MetricFilters.None,
            new() { CaseTypes = ["ATO", "RESET_2FA"] },
            new() { Vendors = ["V1"] },
            new() { Weeks = ["2026-W48"] },
        ];
        foreach (var filter in filters)
        {
            var actual = warehouse.GetOverturn(filter);
            var context = $"seed {seed}, rollup {rollup}, filter {filter}";
            Assert.Equal(rollup, actual.FromRollup);
            var expected = Expected(reference, filter);
            Assert.True(expected["overall"].Single().ResolvedCases > 0 || filter != MetricFilters.None, $"{context}: no resolved case to compare");
            foreach (var (dimension, rows) in new[]
            {
                ("overall", new List<OverturnRow> { actual.Overall }), ("case_type", actual.ByCaseType), ("week", actual.ByWeek),
                ("org", actual.ByOrg), ("vendor", actual.ByVendor), ("reviewer", actual.ByReviewer),
            })
            {
                var want = expected[dimension];
                Assert.True(want.Select(r => r.Slice).SequenceEqual(rows.Select(r => r.Slice)), $"{context}, {dimension}: slices {string.Join(",", want.Select(r => r.Slice))} vs {string.Join(",", rows.Select(r => r.Slice))}");
                foreach (var (w, got) in want.Zip(rows))
                {
                    var at = $"{context}, {dimension} {w.Slice}";
                    Assert.True((w.ResolvedCases, w.Overturned, w.OverturnedLabeled, w.HumanRight, w.AgentRight) ==
                        (got.ResolvedCases, got.Overturned, got.OverturnedLabeled, got.HumanRight, got.AgentRight),
                        $"{at}: expected {w.ResolvedCases}/{w.Overturned}/{w.OverturnedLabeled}/{w.HumanRight}/{w.AgentRight}, got {got.ResolvedCases}/{got.Overturned}/{got.OverturnedLabeled}/{got.HumanRight}/{got.AgentRight}");
                    Assert.Equal(w.OverturnRate, got.OverturnRate);
                    Assert.Equal(w.OverturnRateN, got.OverturnRateN);
                    Assert.Equal(w.HumanRightRate, got.HumanRightRate);
                    Assert.Equal(w.HumanRightRateN, got.HumanRightRateN);
                }
            }
        }
    }

    /// <summary>
    /// The independent computation: the reference model's latest-wins records, each in-scope manual case's latest review
    /// (assigned_at, then ingestion, then review_id) as the final decision, counted per dimension in C#.
    /// </summary>
    private static Dictionary<string, List<OverturnRow>> Expected(ReferenceModel reference, MetricFilters filters)
    {
        var facts = new List<(string CaseType, string Week, ReviewRow Final, bool Overturned, bool? HumanRight)>();
        foreach (var d in reference.Scope(filters).Where(d => d.Routing == "manual"))
        {
            var final = reference.Reviews.Where(r => r.CaseId == d.CaseId)
                .OrderByDescending(r => r.AssignedAt).ThenByDescending(r => r.IngestedAt).ThenByDescending(r => r.BatchId, StringComparer.Ordinal)
                .ThenByDescending(r => r.SourceLine).ThenByDescending(r => r.ReviewId, StringComparer.Ordinal).FirstOrDefault();
            if (final?.Decision is not ("pass" or "block"))
            {
                continue;
            }

            var overturned = final.Decision != d.AiDecision;
            bool? humanRight = null;
            if (overturned && reference.Labels.TryGetValue(d.CaseId, out var label))
            {
                var truth = label.Label is "TP" or "FN" ? "block" : "pass";
                humanRight = final.Decision == truth;
            }

            facts.Add((d.CaseType, ReferenceModel.Week(d.ScoredAt), final, overturned, humanRight));
        }

        OverturnRow Row(string dimension, string? slice, IReadOnlyCollection<(string CaseType, string Week, ReviewRow Final, bool Overturned, bool? HumanRight)> group)
        {
            long resolved = group.Count, overturned = group.Count(f => f.Overturned), labeled = group.Count(f => f.HumanRight is not null);
            long human = group.Count(f => f.HumanRight == true);
            return new OverturnRow
            {
                Dimension = dimension, Slice = slice, ResolvedCases = resolved, Overturned = overturned,
                OverturnRate = resolved == 0 ? null : overturned / (double)resolved, OverturnRateN = resolved,
                OverturnedLabeled = labeled, HumanRight = human, AgentRight = labeled - human,
                HumanRightRate = labeled == 0 ? null : human / (double)labeled, HumanRightRateN = labeled,
            };
        }

        List<OverturnRow> By(string dimension, Func<(string CaseType, string Week, ReviewRow Final, bool Overturned, bool? HumanRight), string?> key) =>
            facts.Where(f => key(f) is not null).GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(dimension, g.Key, g.ToList())).ToList();

        return new Dictionary<string, List<OverturnRow>>(StringComparer.Ordinal)
        {
            ["overall"] = [Row("overall", null, facts)],
            ["case_type"] = By("case_type", f => f.CaseType),
            ["week"] = By("week", f => f.Week),
            ["org"] = By("org", f => f.Final.ReviewerOrg),
            ["vendor"] = By("vendor", f => f.Final.Vendor),
            ["reviewer"] = By("reviewer", f => f.Final.ReviewerId),
        };
    }

    private static void AssertRow(OverturnRow row, long resolved, long overturned, long labeled, long human, long agent) =>
        Assert.Equal((resolved, overturned, labeled, human, agent), (row.ResolvedCases, row.Overturned, row.OverturnedLabeled, row.HumanRight, row.AgentRight));
}
