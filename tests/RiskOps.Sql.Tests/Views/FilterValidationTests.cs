using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Views;

/// <summary>Filter validation: one clear line for bad values; unknown vendors, regions and models are empty slices.</summary>
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

        Assert.StartsWith("--case-type 'FRAUD_X' is not a known case type (known: ATO, KYC_AUDIT, ", error.Message);
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

    [Fact]
    public void GetMetrics_UnknownVendorRegionModel_EmptySliceNotError()
    {
        var report = _warehouse.GetMetrics(new MetricFilters { Vendors = ["NOPE"], Regions = ["MARS"], ModelVersions = ["m9"] }, HandLake.AsOf);

        Assert.Equal(0, report.Overall.Decisions);
        Assert.Null(report.Overall.Precision);
        Assert.Null(report.Overall.DecisionAccuracy);
        Assert.Null(report.Overall.Kappa);
        Assert.Empty(report.ByCaseType);
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
