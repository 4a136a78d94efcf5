using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Views;

/// <summary>Filter validation: one clear line for bad values and for values in no record of the lake; known values match ignoring case.</summary>
public sealed class FilterValidationTests : IDisposable
{
    private readonly TestLake _lake = TestLake.Create(HandLake.Build());
    private readonly Warehouse _warehouse;

    public FilterValidationTests() => _warehouse = Warehouse.Open(_lake.Root);

    public void Dispose()
    {
        _warehouse.Dispose();
        _lake.Dispose();
    }

    [Theory]
    [InlineData("2026-47", "--week '2026-47' is not an ISO week (expected YYYY-Www, e.g. 2026-W47)")]
    [InlineData("2026-W54", "--week '2026-W54' does not exist (2026 has 53 ISO weeks)")]
    [InlineData("2027-W53", "--week '2027-W53' does not exist (2027 has 52 ISO weeks)")]
    [InlineData("2026-W00", "--week '2026-W00' does not exist (2026 has 53 ISO weeks)")]
    public void Validate_BadWeek_ThrowsOneLine(string week, string message)
    {
        var error = Assert.Throws<InvalidFilterException>(() => _warehouse.Validate(new MetricFilters { Weeks = [week] }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Validate_ReversedDates_Throws()
    {
        var filters = new MetricFilters { From = new DateOnly(2026, 11, 30), To = new DateOnly(2026, 11, 1) };

        var error = Assert.Throws<InvalidFilterException>(() => _warehouse.GetMetrics(filters, HandLake.AsOf));

        Assert.Equal("--from 2026-11-30 is after --to 2026-11-01", error.Message);
    }

    [Fact]
    public void Validate_UnknownCaseType_Throws()
    {
        var error = Assert.Throws<InvalidFilterException>(() => _warehouse.Validate(new MetricFilters { CaseTypes = ["ATO", "FRAUD_X"] }));

        Assert.StartsWith("no record of the lake has case type 'FRAUD_X' (case types in the lake: ATO, KYC_AUDIT, ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Validate_ContractCaseTypeNotYetInLake_IsAnEmptySlice()
    {
        var report = _warehouse.GetMetrics(new MetricFilters { CaseTypes = ["WITHDRAWAL_ANOMALY"] }, HandLake.AsOf);

        Assert.Equal(0, report.Overall.Decisions);
        Assert.Null(report.Overall.Recall);
        Assert.Equal(0, report.Overall.SopScenarios);
        Assert.Null(report.Overall.SopCoverage);
    }

    [Theory]
    [InlineData("vendor", "NOPE", "no record of the lake has vendor 'NOPE' (vendors in the lake: V1, V2)")]
    [InlineData("region", "MARS", "no record of the lake has region 'MARS' (regions in the lake: APAC, EU)")]
    [InlineData("model", "m9", "no record of the lake has model version 'm9' (model versions in the lake: m1, m2)")]
    public void GetMetrics_ValueInNoRecordOfTheLake_ThrowsNamingTheLakesValues(string filter, string value, string message)
    {
        var filters = filter switch
        {
            "vendor" => new MetricFilters { Vendors = [value] },
            "region" => new MetricFilters { Regions = [value] },
            _ => new MetricFilters { ModelVersions = [value] },
        };

        var error = Assert.Throws<InvalidFilterException>(() => _warehouse.GetMetrics(filters, HandLake.AsOf));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void GetMetrics_KnownValuesInAnotherCase_SameFiguresAsTheLakesSpelling()
    {
        var typed = _warehouse.GetMetrics(new MetricFilters { Regions = ["eu"], Vendors = ["v1"], ModelVersions = ["M1"], CaseTypes = ["ato"] }, HandLake.AsOf);
        var exact = _warehouse.GetMetrics(new MetricFilters { Regions = ["EU"], Vendors = ["V1"], ModelVersions = ["m1"], CaseTypes = ["ATO"] }, HandLake.AsOf);

        Assert.Equal(exact.Overall.Decisions, typed.Overall.Decisions);
        Assert.Equal(exact.Overall.Tp, typed.Overall.Tp);
        Assert.Equal(exact.Overall.Fp, typed.Overall.Fp);
        Assert.Equal(WarehouseJson.Serialize(exact.ByCaseType), WarehouseJson.Serialize(typed.ByCaseType));
    }

    [Fact]
    public void GetMetrics_KnownValueNoDataInPeriod_EmptyFiguresNotError()
    {
        var report = _warehouse.GetMetrics(new MetricFilters { Regions = ["EU"], Weeks = ["2020-W01"] }, HandLake.AsOf);

        Assert.Equal(0, report.Overall.Decisions);
        Assert.Null(report.Overall.Precision);
        Assert.Equal(0, report.Overall.PrecisionN);
    }

    [Fact]
    public void GetFilterValues_HandLake_TheLakesValuesSorted()
    {
        var values = _warehouse.GetFilterValues();

        Assert.Equal(["APAC", "EU"], values.Regions);
        Assert.Equal(["V1", "V2"], values.Vendors);
        Assert.Equal(["m1", "m2"], values.ModelVersions);
        Assert.Contains("ATO", values.CaseTypes);
        Assert.Contains("WITHDRAWAL_ANOMALY", values.CaseTypes);
    }

    [Fact]
    public void GetMetrics_Json_NullsNotZerosAndSnakeCase()
    {
        var json = WarehouseJson.Serialize(_warehouse.GetMetrics(new MetricFilters { CaseTypes = ["KYC_AUDIT"] }, HandLake.AsOf));

        Assert.Contains("\"precision\": null", json);
        Assert.Contains("\"by_case_type\": [", json);
        Assert.Contains("\"key_user_escalation_compliance\": null", json);
        Assert.Contains("\"backlog_0_4h\": 0", json);
        Assert.DoesNotContain("NaN", json);
    }
}
