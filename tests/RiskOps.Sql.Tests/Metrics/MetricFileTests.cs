using DuckDB.NET.Data;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Metrics;

/// <summary>
/// dbt-style unit tests: each metric file, fed the rows of <see cref="HandLake"/>, returns exactly the hand-computed rows.
/// Latest cases: c1 ATO TP (audit_sample w2, 0.95, auto), c2 ATO FP/C ATO.vpn (0.85, auto, m2 after the tie),
/// c3 ATO FN/C ATO.new_device (0.70, manual, resolved block in 3 h, key user, escalated), c4 KYC TN (0.60, manual,
/// resolved pass in 12 h), c5 KYC TN (audit_sample w4, 1.0, auto), c6 ATO unlabeled (manual, open 24 h at as-of,
/// key user, not escalated), c7 ATO FN/A (audit_sample w1, 0.90, auto).
/// </summary>
public sealed class MetricFileTests : IDisposable
{
    private readonly TestLake _lake = TestLake.Create(HandLake.Build());
    private readonly Warehouse _warehouse;

    public MetricFileTests() => _warehouse = Warehouse.Open(_lake.Root);

    public void Dispose()
    {
        _warehouse.Dispose();
        _lake.Dispose();
    }

    [Fact]
    public void Confusion_HandLake_ExactRowsPerSlice()
    {
        var rows = _warehouse.RunMetric("confusion", MetricFilters.None);

        // overall: TP c1, FP c2, TN c4 c5, FN c3 c7; 4 of 7 auto; recall_auto = w(c1) / (w(c1) + w(c7)) = 2 / 3.
        Expect(Row(rows, "overall", null), ("decisions", 7), ("labeled_cases", 6), ("tp", 1), ("fp", 1), ("tn", 2), ("fn", 2),
            ("precision", 0.5), ("precision_ci_low", 0.09453120573423074), ("precision_ci_high", 0.9054687942657693),
            ("recall", 1 / 3.0), ("recall_ci_low", 0.06149194472039615), ("recall_ci_high", 0.7923403991979523),
            ("f1", 0.4), ("accuracy", 0.5), ("automation_rate", 4 / 7.0), ("recall_auto", 2 / 3.0), ("label_completeness", 6 / 7.0));
        Expect(Row(rows, "case_type", "ATO"), ("decisions", 5), ("tp", 1), ("fp", 1), ("tn", 0), ("fn", 2), ("precision", 0.5), ("recall", 1 / 3.0));
        Expect(Row(rows, "case_type", "KYC_AUDIT"), ("decisions", 2), ("tp", 0), ("tn", 2), ("precision", null), ("recall", null),
            ("precision_ci_low", null), ("f1", null), ("accuracy", 1.0), ("recall_auto", null));
        Expect(Row(rows, "week", "2026-W47"), ("decisions", 4));
        Expect(Row(rows, "week", "2026-W48"), ("decisions", 3));
        Expect(Row(rows, "model_version", "m2"), ("decisions", 4));
        Expect(Row(rows, "region", null), ("decisions", 1));
        Assert.Equal(1 + 2 + 2 + 2 + 3, rows.Count);
    }

    [Fact]
    public void Resolution_HandLake_SlaAndBacklog()
    {
        var rows = _warehouse.RunMetric("resolution", MetricFilters.None, AsOf(HandLake.AsOf));

        // c3 resolved in 3 h, c4 in 12 h, c6 open for exactly 24 h → SLA 1 / (2 + 1).
        Expect(Row(rows, "overall", null), ("manual_cases", 3), ("resolved_cases", 2), ("open_cases", 1), ("sla_met", 1),
            ("sla_denominator", 3), ("sla_compliance", 1 / 3.0),
            ("backlog_0_4h", 0), ("backlog_4_24h", 0), ("backlog_1_3d", 1), ("backlog_over_3d", 0));
        Expect(Row(rows, "case_type", "ATO"), ("sla_compliance", 0.5));
        Expect(Row(rows, "case_type", "KYC_AUDIT"), ("sla_compliance", 0.0));
    }

    [Fact]
    public void ResolutionQuantiles_HandLake_InterpolatedP50AndP90()
    {
        var rows = _warehouse.RunMetric("resolution_quantiles", MetricFilters.None);

        // Resolved in 3 h and 12 h → p50 7.5, p90 3 + 0.9·9.
        Expect(Row(rows, "overall", null), ("resolution_hours_p50", 7.5), ("resolution_hours_p90", 11.1));
        Expect(Row(rows, "case_type", "ATO"), ("resolution_hours_p50", 3.0), ("resolution_hours_p90", 3.0));
        Expect(Row(rows, "case_type", "KYC_AUDIT"), ("resolution_hours_p50", 12.0));
    }

    [Fact]
    public void ResolutionQuantiles_ValuesWithMultiplicity_SameAsQuantilesOverEveryCase()
    {
        // Given rows of the resolution rollup: 1 h held by 3 cases, 2 h by 1, 10 h by 2 (one week, one case type).
        _warehouse.Execute("""
            create or replace temp table scope_daily_resolution as
            select * from (values
                (date '2026-11-16', '2026-W47', 'ATO', 'm1', 'EU', ['V1'], 1.0::double, 3::bigint),
                (date '2026-11-16', '2026-W47', 'ATO', 'm1', 'EU', [], 2.0::double, 1::bigint),
                (date '2026-11-17', '2026-W47', 'ATO', 'm1', 'EU', [], 10.0::double, 2::bigint))
                t(scored_date, week, case_type, model_version, region, review_vendors, resolution_hours, cases)
            """);
        try
        {
            var rows = _warehouse.ReadRows(SqlScripts.Get("resolution_quantiles"));

            // Per case: 1, 1, 1, 2, 10, 10 → p50 at position 2.5 = 1.5; p90 at position 4.5 = 10.
            Expect(Row(rows, "overall", null), ("resolution_hours_p50", 1.5), ("resolution_hours_p90", 10.0));
            Expect(Row(rows, "week", "2026-W47"), ("resolution_hours_p50", 1.5), ("resolution_hours_p90", 10.0));
        }
        finally
        {
            _warehouse.Execute("drop table scope_daily_resolution");
        }
    }

    [Fact]
    public void Resolution_OpenCasesAroundEachAgeLimitInstant_AgedToTheMicrosecond()
    {
        // Given rows of the open-case rollup (exact scored_at, case counts) and of the daily counts, as-of 2026-11-21
        // 10:30Z: the 4 h limit is 06:30 that day, the 24 h limit 11-20 10:30, the 72 h limit 11-18 10:30. Cases sit on
        // both sides of each instant, inside the instant's own hour and exactly at it.
        _warehouse.Execute("""
            create or replace temp table scope_daily_open as
            select scored_date, week, case_type, model_version, region, review_vendors, epoch_us(scored_at) as scored_at_us, cases
            from (values
                (timestamp '2026-11-17 23:00:00', 1),
                (timestamp '2026-11-18 10:30:00', 1),
                (timestamp '2026-11-18 10:30:00.000001', 1),
                (timestamp '2026-11-20 09:59:00', 1),
                (timestamp '2026-11-20 10:30:00', 1),
                (timestamp '2026-11-20 10:45:00', 1),
                (timestamp '2026-11-21 05:10:00', 1),
                (timestamp '2026-11-21 06:29:59.999999', 1),
                (timestamp '2026-11-21 06:30:00', 2),
                (timestamp '2026-11-21 06:30:00.000001', 1),
                (timestamp '2026-11-21 09:00:00', 1),
                (timestamp '2026-11-22 01:00:00', 1)) t(scored_at, cases),
            lateral (select scored_at::date as scored_date, '2026-W47' as week, 'ATO' as case_type, 'm1' as model_version,
                'EU' as region, null::varchar[] as review_vendors);
            create or replace temp table scope_daily as
            select scored_date, week, case_type, model_version, region, review_vendors,
                open + (case when scored_date = date '2026-11-18' then 3 else 0 end) as manual_cases,
                (case when scored_date = date '2026-11-18' then 3 else 0 end)::bigint as resolved_cases,
                (case when scored_date = date '2026-11-18' then 2 else 0 end)::bigint as sla_met
            from (select scored_date, week, case_type, model_version, region, review_vendors, sum(cases)::bigint as open
                from scope_daily_open group by all);
            """);
        _warehouse.Execute($"create or replace temp table {Warehouse.OpenHours} as {Warehouse.OpenHoursOf("scope_daily_open")}");
        try
        {
            var rows = _warehouse.ReadRows(SqlScripts.Get("resolution"), AsOf(new DateTimeOffset(2026, 11, 21, 10, 30, 0, TimeSpan.Zero)));

            // 13 open. Older than 4 h (scored before 06:30:00): 11-17, both of 11-18, all three of 11-20, 05:10 and
            // 06:29:59.999999 → 8; SLA 2 / (3 + 8). Aged ≥ 4 h adds the two cases at exactly 06:30 (10) → 0–4 h: 3.
            // Aged ≥ 24 h (at or before 11-20 10:30): 11-17, 11-18 ×2, 11-20 09:59 and 10:30 → 5 → 4–24 h: 5.
            // Aged ≥ 72 h (at or before 11-18 10:30): 11-17 and 11-18 10:30 → 2 → 1–3 d: 3, over 3 d: 2.
            Expect(Row(rows, "overall", null), ("manual_cases", 16), ("resolved_cases", 3), ("open_cases", 13), ("sla_met", 2),
                ("sla_denominator", 11), ("sla_compliance", 2 / 11.0),
                ("backlog_0_4h", 3), ("backlog_4_24h", 5), ("backlog_1_3d", 3), ("backlog_over_3d", 2));
            Expect(Row(rows, "week", "2026-W47"), ("open_cases", 13), ("backlog_0_4h", 3), ("backlog_over_3d", 2));
        }
        finally
        {
            _warehouse.Execute($"drop table {Warehouse.OpenHours}; drop table scope_daily; drop table scope_daily_open");
        }
    }

    [Fact]
    public void Resolution_AsOfBeforeOpenCaseIsFourHoursOld_LeavesItOutOfTheSlaDenominator()
    {
        // At 2026-11-24 16:00Z c6 is open for exactly 4 h: in the 4–24 h bucket, but not "older than 4 h".
        var rows = _warehouse.RunMetric("resolution", MetricFilters.None, AsOf(HandLake.AsOf.AddHours(-20)));

        Expect(Row(rows, "overall", null), ("sla_denominator", 2), ("sla_compliance", 0.5), ("backlog_0_4h", 0), ("backlog_4_24h", 1));
    }

    [Fact]
    public void DecisionAccuracy_HandLake_LatestVerdictsOfInScopeReviews()
    {
        var rows = _warehouse.RunMetric("decision_accuracy", MetricFilters.None);

        // a1 (r2) correct, a2 (r3) corrected to incorrect, a3 (r1) correct; a4 audits an orphan review.
        Expect(Row(rows, "overall", null), ("qa_audits", 3), ("qa_correct", 2), ("decision_accuracy", 2 / 3.0));
        Expect(Row(rows, "case_type", "ATO"), ("qa_audits", 2), ("decision_accuracy", 1.0));
        Expect(Row(rows, "case_type", "KYC_AUDIT"), ("qa_audits", 1), ("decision_accuracy", 0.0));
    }

    [Fact]
    public void ReviewerAgreement_HandLake_KappaAndUndefinedKappa()
    {
        var rows = _warehouse.RunMetric("reviewer_agreement", MetricFilters.None);

        // c3: human block, truth block (FN); c4: human pass, truth pass (TN) → po 1, pe 0.5, kappa 1.
        Expect(Row(rows, "overall", null), ("kappa_cases", 2), ("kappa", 1.0));
        // One pair only: pe = 1, kappa undefined → null.
        Expect(Row(rows, "case_type", "ATO"), ("kappa_cases", 1), ("kappa", null));
    }

    [Fact]
    public void KeyUserEscalation_HandLake_ManualKeyUsersOnly()
    {
        var rows = _warehouse.RunMetric("key_user_escalation", MetricFilters.None);

        // c3 (priority 90, escalated and a senior review) complies; c6 (76, one agent review, open) does not; c2 is auto.
        Expect(Row(rows, "overall", null), ("key_user_cases", 2), ("key_user_escalated", 1), ("key_user_escalation_compliance", 0.5));
        Assert.DoesNotContain(rows, r => (string?)r["slice"] == "KYC_AUDIT");
    }

    [Fact]
    public void CalibrationError_HandLake_EceAndBrier()
    {
        var rows = _warehouse.RunMetric("calibration_error", MetricFilters.None);

        // Bins: 9 = {c1 .95 ✓, c5 1.0 ✓, c7 .90 ✗}, 8 = {c2 .85 ✗}, 7 = {c3 .70 ✗}, 6 = {c4 .60 ✓}.
        // ECE = (3·|2/3 − .95| + .85 + .70 + .40) / 6 = 2.8 / 6; Brier = (.05² + .85² + .7² + .4² + 0 + .9²) / 6.
        Expect(Row(rows, "overall", null), ("calibration_cases", 6), ("ece", 2.8 / 6), ("brier", 2.185 / 6));
    }

    [Fact]
    public void Reliability_HandLake_TenBinsWithEmptyOnes()
    {
        var rows = _warehouse.RunMetric("reliability", MetricFilters.None);

        var pooled = rows.Where(r => (string)r["dimension"]! == "overall").ToList();
        Assert.Equal(Enumerable.Range(0, 10), pooled.Select(r => (int)Warehouse.ToLong(r["bin"])));
        Expect(pooled[9], ("count", 3), ("mean_confidence", 0.95), ("observed_accuracy", 2 / 3.0), ("bin_low", 0.9), ("bin_high", 1.0));
        Expect(pooled[7], ("count", 1), ("mean_confidence", 0.70), ("observed_accuracy", 0.0));
        Expect(pooled[0], ("count", 0), ("mean_confidence", null), ("observed_accuracy", null));
        Assert.Equal(10, rows.Count(r => (string?)r["case_type"] == "KYC_AUDIT"));
        Assert.Equal(10, rows.Count(r => (string?)r["week"] == "2026-W48"));
    }

    [Fact]
    public void SopCoverage_HandLake_LatestScenarioRowsPooled()
    {
        var rows = _warehouse.RunMetric("sop_coverage_by_case_type", MetricFilters.None, CaseTypes());

        // ATO.vpn was covered, then not (latest wins): ATO 1 of 3; KYC 1 of 1; pooled 2 of 4.
        Expect(rows.Single(r => r["case_type"] is null), ("scenarios", 4), ("covered", 2), ("coverage", 0.5));
        Expect(rows.Single(r => (string?)r["case_type"] == "ATO"), ("scenarios", 3), ("covered", 1), ("coverage", 1 / 3.0));
        Expect(rows.Single(r => (string?)r["case_type"] == "KYC_AUDIT"), ("scenarios", 1), ("coverage", 1.0));
    }

    [Fact]
    public void SopGaps_HandLake_TypeCCodesWithoutCoveredScenario()
    {
        var rows = _warehouse.RunMetric("sop_gaps", MetricFilters.None);

        // c2's ATO.vpn is no longer covered → gap; c3's ATO.new_device is covered; c7's ATO.x is type A.
        var gap = Assert.Single(rows);
        Expect(gap, ("cases", 1));
        Assert.Equal(("ATO", "ATO.vpn"), ((string)gap["case_type"]!, (string)gap["root_cause_code"]!));
    }

    [Fact]
    public void Quality_HandLake_AccuracyPerOrgVendorReviewerWeek()
    {
        var rows = _warehouse.RunMetric("quality", MetricFilters.None);

        Expect(Quality(rows, "org", "BPO"), ("qa_audits", 2), ("correct", 1), ("decision_accuracy", 0.5), ("kappa_cases", 1), ("kappa", null));
        Expect(Quality(rows, "org", "INHOUSE"), ("qa_audits", 1), ("decision_accuracy", 1.0), ("kappa_cases", 1));
        Expect(Quality(rows, "vendor", "V1"), ("qa_audits", 1), ("decision_accuracy", 1.0), ("kappa_cases", 0));
        Expect(Quality(rows, "vendor", "V2"), ("qa_audits", 1), ("decision_accuracy", 0.0), ("kappa_cases", 1));
        Expect(Quality(rows, "reviewer", "ben"), ("qa_audits", 1), ("decision_accuracy", 1.0));
        // The week is the audited review's resolved_at week: r1, r2 in W47; r3 in W48.
        Expect(Quality(rows, "week", "2026-W47"), ("qa_audits", 2), ("decision_accuracy", 1.0));
        Expect(Quality(rows, "week", "2026-W48"), ("qa_audits", 1), ("decision_accuracy", 0.0));
    }

    [Fact]
    public void DataQuality_HandLake_OrphansAndQuarantine()
    {
        var row = Assert.Single(_warehouse.RunMetric("data_quality", MetricFilters.None));

        Expect(row, ("orphan_labels", 1), ("orphan_reviews", 1), ("orphan_qa_audits", 1), ("quarantined_records", 1));
    }

    [Theory]
    [InlineData("week", "2026-W48", "c4,c5,c6")]
    [InlineData("region", "EU", "c1,c2,c3,c7")]
    [InlineData("vendor", "V1", "c3")]
    [InlineData("vendor", "NOBODY", "")]
    [InlineData("model", "m2", "c2,c4,c5,c6")]
    [InlineData("dates", "2026-11-17..2026-11-23", "c3,c4,c5,c7")]
    public void Scope_Filter_SelectsTheRightCases(string filter, string value, string expected)
    {
        var filters = filter switch
        {
            "week" => new MetricFilters { Weeks = [value] },
            "region" => new MetricFilters { Regions = [value] },
            "vendor" => new MetricFilters { Vendors = [value] },
            "model" => new MetricFilters { ModelVersions = [value] },
            _ => new MetricFilters { From = DateOnly.Parse(value[..10]), To = DateOnly.Parse(value[12..]) },
        };

        var rows = _warehouse.RunMetric("scope", filters, Warehouse.FilterParameters(filters));

        Assert.Equal(expected, string.Join(",", rows.Select(r => (string)r["case_id"]!).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void GetMetrics_VendorFilter_RestrictsAuditsToTheVendorsReviews()
    {
        var report = _warehouse.GetMetrics(new MetricFilters { Vendors = ["V1"] }, HandLake.AsOf);

        // Only c3 has a V1 review; of its audits only a3 (on V1's r1) counts.
        Assert.Equal(1, report.Overall.Decisions);
        Assert.Equal(1, report.Overall.QaAudits);
        Assert.Equal(1.0, report.Overall.DecisionAccuracy);
    }

    [Fact]
    public void GetMetrics_HandLake_WeekOverWeekOnWeekRows()
    {
        var report = _warehouse.GetMetrics(MetricFilters.None, HandLake.AsOf);

        // W47: c1 TP, c2 FP, c3 FN, c7 FN → accuracy 1/4; W48: c4, c5 TN → accuracy 1; change +0.75.
        var w48 = report.ByWeek.Single(w => w.Week == "2026-W48");
        Assert.Equal(0.75, w48.AccuracyWow!.Value, 12);
        Assert.Null(report.ByWeek.Single(w => w.Week == "2026-W47").AccuracyWow);
        Assert.Null(w48.PrecisionWow); // W48 has no predicted blocks: precision null → change null, never 0.
        Assert.Equal(["ATO", "KYC_AUDIT"], report.ByCaseType.Select(c => c.CaseType));
        Assert.Equal(1 / 3.0, report.ByCaseType[0].SopCoverage!.Value, 12);
    }

    private static DuckDBParameter AsOf(DateTimeOffset at) => Warehouse.AsOfParameter(at);

    private static DuckDBParameter CaseTypes() => new("case_types", new List<string>());

    private static Dictionary<string, object?> Row(List<Dictionary<string, object?>> rows, string dimension, string? slice) =>
        rows.Single(r => (string)r["dimension"]! == dimension && (string?)r["slice"] == slice);

    private static Dictionary<string, object?> Quality(List<Dictionary<string, object?>> rows, string dimension, string value) =>
        rows.Single(r => (string)r["dimension"]! == dimension && (string?)r["value"] == value);

    private static void Expect(Dictionary<string, object?> row, params (string Column, double? Value)[] expected)
    {
        foreach (var (column, value) in expected)
        {
            Assert.True(row.ContainsKey(column), $"no column {column}");
            var actual = row[column] is null ? (double?)null : Warehouse.ToDouble(row[column]);
            if (value is null)
            {
                Assert.True(actual is null, $"{column}: expected null, got {actual}");
            }
            else
            {
                Assert.True(actual is { } a && Math.Abs(a - value.Value) < 1e-12, $"{column}: expected {value:R}, got {actual:R}");
            }
        }
    }
}
