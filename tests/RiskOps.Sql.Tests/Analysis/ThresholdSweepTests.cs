using System.Text.Json;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>Given rows → exact sweep points (contract §2, threshold sweep), computed by hand in the comments.</summary>
public sealed class ThresholdSweepTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 11, 17, 23, 30, 0, TimeSpan.Zero);

    /// <summary>
    /// ATO: six labeled cases and two unlabeled ones over two UTC dates; true blocks = a1, a2, a4, a5 (4).
    /// a4 has confidence exactly 0.7 and a6 0.57 (0.57 · 100 = 56.99999999999999 in floating point).
    /// KYC_AUDIT: two unlabeled decisions on one date, no reviews.
    /// </summary>
    private static LakeData Given()
    {
        var data = new LakeData();
        void Decision(string id, double confidence, DateTimeOffset at, string type = "ATO", double threshold = 0.8) =>
            data.Decisions.Add(new DecisionRow { CaseId = id, CaseType = type, Confidence = confidence, ScoredAt = at, Threshold = threshold, SourceLine = data.Decisions.Count + 1 });
        void Label(string id, string label) =>
            data.Labels.Add(new LabelRow
            {
                CaseId = id,
                Label = label,
                RootCauseType = label is "FP" or "FN" ? "B" : null,
                LabeledAt = Day2.AddDays(1),
                SourceLine = data.Labels.Count + 1,
            });
        void Review(string id, string caseId, double hours, bool resolved = true) =>
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = id,
                CaseId = caseId,
                AssignedAt = Day1.AddHours(1),
                ResolvedAt = resolved ? Day1.AddHours(1 + hours) : null,
                Decision = resolved ? "pass" : null,
                SourceLine = data.Reviews.Count + 1,
            });

        Decision("a1", 0.95, Day1);
        Decision("a2", 0.90, Day1);
        Decision("a3", 0.80, Day2);
        Decision("a4", 0.7, Day2);
        Decision("a5", 0.60, Day1);
        Decision("a6", 0.57, Day1);
        Decision("u1", 0.65, Day2);
        Decision("u2", 0.99, Day2, threshold: 0.85);
        Label("a1", "TP");
        Label("a2", "TP");
        Label("a3", "FP");
        Label("a4", "TP");
        Label("a5", "FN");
        Label("a6", "TN");
        // Handling hours 2, 1, 4 and one open review: median 2.
        Review("r1", "a5", 2);
        Review("r2", "u1", 1);
        Review("r3", "a3", 4);
        Review("r4", "a6", 0, resolved: false);

        Decision("k1", 0.52, Day1.AddHours(2), "KYC_AUDIT");
        Decision("k2", 0.75, Day1.AddHours(3), "KYC_AUDIT");
        return data;
    }

    [Fact]
    public void GetThresholds_GivenRows_GivesHandComputedPoints()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetThresholds(MetricFilters.None);

        Assert.Equal(["ATO", "KYC_AUDIT"], report.ByCaseType.Select(c => c.CaseType));
        var ato = report.ByCaseType[0];
        Assert.Equal(50, ato.Sweep.Count);
        Assert.Equal(Enumerable.Range(50, 50).Select(k => k / 100.0), ato.Sweep.Select(p => p.Threshold));
        Assert.Equal(6, ato.LabeledCases);
        Assert.Equal(8, ato.Decisions);
        Assert.Equal(2, ato.PeriodDays);
        Assert.Equal(2.0, ato.MedianHandlingHours);
        Assert.Equal(0.85, ato.CurrentThreshold);

        // (threshold, precision, recall, automation, manual cases, manual/day, reviewer hours/day)
        AssertPoint(ato, 50, 3 / 4.0, 3 / 4.0, 6 / 6.0, 0);
        AssertPoint(ato, 57, 3 / 4.0, 3 / 4.0, 6 / 6.0, 0); // 0.57 >= 0.57: a6 still keeps the agent's decision
        AssertPoint(ato, 58, 3 / 4.0, 3 / 4.0, 5 / 6.0, 1); // a6 (TN) goes to a human
        AssertPoint(ato, 61, 4 / 5.0, 4 / 4.0, 4 / 6.0, 2); // a5 (FN) caught by a human
        AssertPoint(ato, 66, 4 / 5.0, 4 / 4.0, 4 / 6.0, 3); // u1 (unlabeled) adds to the workload only
        AssertPoint(ato, 70, 4 / 5.0, 4 / 4.0, 4 / 6.0, 3); // 0.7 >= 0.70 exactly: a4 stays automatic
        AssertPoint(ato, 71, 4 / 5.0, 4 / 4.0, 3 / 6.0, 4);
        AssertPoint(ato, 80, 4 / 5.0, 4 / 4.0, 3 / 6.0, 4);
        AssertPoint(ato, 81, 4 / 4.0, 4 / 4.0, 2 / 6.0, 5); // a3 (FP) goes to a human: both targets met
        AssertPoint(ato, 99, 4 / 4.0, 4 / 4.0, 0 / 6.0, 7); // u2 at 0.99 stays automatic
        Assert.Equal(0.81, ato.RecommendedThreshold);

        var kyc = report.ByCaseType[1];
        Assert.Equal(0, kyc.LabeledCases);
        Assert.Equal(1, kyc.PeriodDays);
        Assert.Null(kyc.RecommendedThreshold);
        Assert.Null(kyc.MedianHandlingHours);
        Assert.All(kyc.Sweep, p =>
        {
            Assert.Null(p.Precision);
            Assert.Null(p.Recall);
            Assert.Null(p.Automation);
            Assert.Null(p.ReviewerHoursPerDay);
            Assert.NotNull(p.ManualCasesPerDay);
        });
        Assert.Equal(1.0, kyc.Sweep.Single(p => p.Threshold == 0.53).ManualCasesPerDay);
        Assert.Equal(2.0, kyc.Sweep.Single(p => p.Threshold == 0.76).ManualCasesPerDay);
    }

    [Fact]
    public void GetThresholds_FromToGiven_DividesByTheFilteredSpan()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetThresholds(MetricFilters.None with
        {
            From = new DateOnly(2026, 11, 15),
            To = new DateOnly(2026, 11, 18),
            CaseTypes = ["ATO"],
        });

        var ato = Assert.Single(report.ByCaseType);
        Assert.Equal(4, ato.PeriodDays);
        var last = ato.Sweep[^1];
        Assert.Equal(7 / 4.0, last.ManualCasesPerDay);
        Assert.Equal(7 / 4.0 * 2.0, last.ReviewerHoursPerDay);
    }

    [Fact]
    public void GetThresholds_WeekFilter_CountsOnlyDaysWithinTheWeek()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        // 2026-W47 is Mon 16 – Sun 22 November; --from 2026-11-10 reaches back into W46, which must not count.
        var report = warehouse.GetThresholds(MetricFilters.None with { From = new DateOnly(2026, 11, 10), Weeks = ["2026-W47"] });

        Assert.All(report.ByCaseType, c => Assert.Equal(c.CaseType == "ATO" ? 2 : 1, c.PeriodDays));
    }

    [Fact]
    public void GetThresholds_NoDecisionsNoRecommendation_IsNullNeverNaN()
    {
        // Every case is a false positive with confidence 1.0: precision is 0 at every t and recall has no true block.
        var data = new LakeData();
        for (var i = 0; i < 3; i++)
        {
            data.Decisions.Add(new DecisionRow { CaseId = $"f{i}", Confidence = 1.0, ScoredAt = Day1, SourceLine = i + 1 });
            data.Labels.Add(new LabelRow { CaseId = $"f{i}", Label = "FP", RootCauseType = "A", LabeledAt = Day2, SourceLine = i + 1 });
        }

        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var sweep = Assert.Single(warehouse.GetThresholds(MetricFilters.None).ByCaseType);
        Assert.Null(sweep.RecommendedThreshold);
        Assert.All(sweep.Sweep, p =>
        {
            Assert.Equal(0.0, p.Precision);
            Assert.Null(p.Recall);
            Assert.Equal(1.0, p.Automation);
            Assert.Equal(0.0, p.ManualCasesPerDay);
            Assert.Null(p.ReviewerHoursPerDay);
        });

        var json = WarehouseJson.Serialize(warehouse.GetThresholds(MetricFilters.None));
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        var point = document.RootElement.GetProperty("by_case_type")[0].GetProperty("sweep")[0];
        Assert.Equal(JsonValueKind.Null, point.GetProperty("recall").ValueKind);
        Assert.Equal(0.5, point.GetProperty("threshold").GetDouble());
        Assert.True(point.TryGetProperty("manual_cases_per_day", out _));
        Assert.True(point.TryGetProperty("reviewer_hours_per_day", out _));
    }

    [Fact]
    public void GetThresholds_EmptyLake_GivesEmptyArray()
    {
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetThresholds(MetricFilters.None);

        Assert.Empty(report.ByCaseType);
        Assert.Contains("\"by_case_type\": []", WarehouseJson.Serialize(report), StringComparison.Ordinal);
    }

    private static void AssertPoint(CaseTypeSweep sweep, int k, double precision, double recall, double automation, long manualCases)
    {
        var point = sweep.Sweep[k - 50];
        Assert.Equal(k / 100.0, point.Threshold);
        Assert.Equal(precision, point.Precision);
        Assert.Equal(recall, point.Recall);
        Assert.Equal(automation, point.Automation);
        Assert.Equal(manualCases, point.ManualCases);
        Assert.Equal(manualCases / 2.0, point.ManualCasesPerDay);
        Assert.Equal(manualCases / 2.0 * 2.0, point.ReviewerHoursPerDay);
    }
}
