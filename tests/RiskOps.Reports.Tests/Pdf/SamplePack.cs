using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>Hand-built warehouse answers for layout tests that must not depend on the warehouse implementation.</summary>
internal static class SamplePack
{
    public static readonly DateTimeOffset AsOf = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);

    public static PackData Create(bool empty = false, string? subscription = null)
    {
        var period = ReportPeriod.Parse("2026-W46");
        var current = empty ? new MetricsReport { AsOf = AsOf } : Metrics(0);
        var previous = Metrics(1);
        var trend = new MetricsReport
        {
            ByWeek = period.Trailing(8).Select((p, i) => Slice(null, p.Week, 1000 + i * 10, 0.94 + i * 0.003, 0.985 + i * 0.001)).ToList(),
        };
        return new PackData
        {
            Request = new PackRequest(period, MetricFilters.None, AsOf, subscription),
            GeneratedAt = AsOf.AddMinutes(5),
            Current = current,
            Previous = previous,
            Trend = trend,
            TrendByCaseType = empty ? new Dictionary<string, IReadOnlyList<MetricSet>>() : new Dictionary<string, IReadOnlyList<MetricSet>>
            {
                ["ATO"] = trend.ByWeek, ["KYC_AUDIT"] = trend.ByWeek,
            },
            Thresholds = empty ? new ThresholdReport() : new ThresholdReport
            {
                ByCaseType =
                [
                    Sweep("ATO", 0.91, 0.85), Sweep("KYC_AUDIT", null, 0.9),
                ],
            },
            Clusters = empty ? new ClusterReport() : new ClusterReport
            {
                Clusters =
                [
                    new Cluster
                    {
                        CaseType = "ATO", Label = "FP", Rank = 1, Signals = ["new_device", "vpn_ip"], Support = 37, Cases = 120,
                        ExcessErrors = 21.4, Lift = 2.35, RootCauseType = "A", RootCauseCode = "ATO.new_device_overweighted", Route = "retrain",
                        ExampleCaseIds = ["C-000123", "C-000456", "C-000789"],
                        Weekly = [new WeeklyCount { Week = "2026-W45", Count = 12 }, new WeeklyCount { Week = "2026-W46", Count = 37 }],
                    },
                    new Cluster
                    {
                        CaseType = "KYC_AUDIT", Label = "FN", Rank = 1, Signals = ["sybil_cluster"], Support = 9, Cases = 40,
                        ExcessErrors = 6.2, Lift = 3.1, RootCauseType = "C", RootCauseCode = "KYC_AUDIT.sybil_ring_unhandled", Route = "sop_update",
                        ExampleCaseIds = ["C-001001"],
                        Weekly = [new WeeklyCount { Week = "2026-W46", Count = 9 }],
                    },
                ],
            },
            Freshness = [new FreshnessRow("decisions", 20000, "2026-11-23 05:00 UTC")],
        };
    }

    private static MetricsReport Metrics(int shift) => new()
    {
        AsOf = AsOf,
        Overall = Slice(null, null, 2400, 0.9123 + shift * 0.05, 0.9912 - shift * 0.002),
        ByCaseType = [Slice("ATO", null, 1400, 0.8712 + shift * 0.1, 0.9934), Slice("KYC_AUDIT", null, 1000, 0.9688, 0.9811 + shift * 0.01)],
        Quality =
        [
            new QualityRow { Dimension = "org", Value = "BPO", QaAudits = 300, Correct = 291, DecisionAccuracy = 0.97, Kappa = 0.81 },
            new QualityRow { Dimension = "org", Value = "INHOUSE", QaAudits = 100, Correct = 99, DecisionAccuracy = 0.99, Kappa = 0.9 },
            new QualityRow { Dimension = "vendor", Value = "Acme BPO", QaAudits = 200, Correct = 198, DecisionAccuracy = 0.99, Kappa = 0.85 },
            new QualityRow { Dimension = "vendor", Value = "Globex", QaAudits = 100, Correct = 93, DecisionAccuracy = 0.93, Kappa = 0.7 },
        ],
        Reliability = Enumerable.Range(5, 5).Select(k => new ReliabilityBin
        {
            Bin = k, BinLow = k / 10.0, BinHigh = (k + 1) / 10.0, Count = 100 * k, MeanConfidence = k / 10.0 + 0.05, ObservedAccuracy = k / 10.0 + 0.02,
        }).ToList(),
        SopCoverage =
        [
            new SopCoverageRow { CaseType = "ATO", Scenarios = 10, Covered = 9, Coverage = 0.9 },
            new SopCoverageRow { CaseType = "KYC_AUDIT", Scenarios = 8, Covered = 5, Coverage = 0.625 },
        ],
        SopGaps = [new SopGap { CaseType = "KYC_AUDIT", RootCauseCode = "KYC_AUDIT.sybil_ring_unhandled", Cases = 9 }],
        DataQuality = new DataQuality { QuarantinedRecords = 17, OrphanLabels = 3 },
    };

    private static MetricSet Slice(string? caseType, string? week, long decisions, double precision, double recall) => new()
    {
        CaseType = caseType,
        Week = week,
        Decisions = decisions,
        LabeledCases = decisions * 9 / 10,
        LabelCompleteness = 0.9,
        // FP and FN follow from the precision and recall, so the significance test sees the same figures the pack prints.
        Tp = decisions / 3,
        Fp = (long)Math.Round(decisions / 3 * (1 - precision) / precision),
        Tn = decisions / 2,
        Fn = (long)Math.Round(decisions / 3 * (1 - recall) / recall),
        Precision = precision,
        PrecisionCiLow = precision - 0.012,
        PrecisionCiHigh = Math.Min(1, precision + 0.011),
        Recall = recall,
        RecallCiLow = recall - 0.008,
        RecallCiHigh = Math.Min(1, recall + 0.004),
        F1 = 0.95,
        Accuracy = 0.96,
        AutomationRate = 0.72,
        RecallAuto = 0.975,
        ManualCases = decisions / 4,
        ResolvedCases = decisions / 5,
        OpenCases = decisions / 20,
        SlaCompliance = 0.931,
        ResolutionHoursP50 = 1.7,
        ResolutionHoursP90 = 5.2,
        Backlog0To4h = 40,
        Backlog4To24h = 12,
        Backlog1To3d = 5,
        BacklogOver3d = 2,
        QaAudits = 400,
        DecisionAccuracy = 0.975,
        Kappa = 0.83,
        KeyUserCases = 60,
        KeyUserEscalationCompliance = 0.9667,
        SopScenarios = 18,
        SopCoverage = 0.7778,
        Ece = 0.0412,
        Brier = 0.0876,
    };

    private static CaseTypeSweep Sweep(string caseType, double? recommended, double current) => new()
    {
        CaseType = caseType,
        RecommendedThreshold = recommended,
        CurrentThreshold = current,
        LabeledCases = 1000,
        Sweep = Enumerable.Range(50, 50).Select(k => new SweepPoint
        {
            Threshold = k / 100.0,
            Precision = 0.90 + 0.08 * (k - 50) / 49.0,
            Recall = 0.97 + 0.029 * (k - 50) / 49.0,
            Automation = 1 - (k - 50) / 60.0,
            ManualCasesPerDay = k * 1.5,
            ReviewerHoursPerDay = k * 0.2,
        }).ToList(),
    };
}
