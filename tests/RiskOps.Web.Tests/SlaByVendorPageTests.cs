using RiskOps.Reports.Kpis;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>The SLA page's per-vendor table (now one grouped query) equals the metrics call with each vendor's filter.</summary>
[Collection(WebCollection.Name)]
public sealed class SlaByVendorPageTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";
    private static readonly DateTimeOffset WarehouseAsOf = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
    private static readonly MetricFilters ReviewWeek = new() { Weeks = ["2026-W46"] };

    [Fact]
    public async Task SlaByVendor_Csv_EqualsPerVendorMetrics()
    {
        var client = await app.LoginAsync("lena");
        var rows = CsvText.Parse(await client.GetStringAsync($"/export/sla/by_vendor.csv?{AsOf}"));
        var header = rows[0];
        Assert.Equal(["vendor", "manual_cases", "resolved", "open", "sla_compliance", "p50_hours", "p90_hours", "open_0_4h", "open_4_24h", "open_1_3d", "open_over_3d"], header.Take(11));
        Assert.Equal(Etl.Demo.DemoScenario.Vendors.Order(StringComparer.Ordinal), rows.Skip(1).Select(r => r[0]).Order(StringComparer.Ordinal));

        using var warehouse = Warehouse.Open(app.Lake);
        foreach (var row in rows.Skip(1))
        {
            var expected = warehouse.GetMetrics(ReviewWeek with { Vendors = [row[0]] }, WarehouseAsOf).Overall;
            Assert.True(expected.ManualCases > 0, row[0]);
            Assert.Equal(
                [
                    Format.Count(expected.ManualCases), Format.Count(expected.ResolvedCases), Format.Count(expected.OpenCases),
                    KpiCatalogue.Sla.Show(expected.SlaCompliance, Format.None), Format.Num(expected.ResolutionHoursP50, 2), Format.Num(expected.ResolutionHoursP90, 2),
                    Format.Count(expected.Backlog0To4h), Format.Count(expected.Backlog4To24h), Format.Count(expected.Backlog1To3d), Format.Count(expected.BacklogOver3d),
                ],
                row.Skip(1).Take(10).ToList());
        }
    }

    [Fact]
    public async Task SlaByVendor_PageVendorFilter_OneRowEqualToTheFilteredCall()
    {
        var client = await app.LoginAsync("lena");
        var rows = CsvText.Parse(await client.GetStringAsync($"/export/sla/by_vendor.csv?vendor=keystone&{AsOf}"));

        var row = Assert.Single(rows.Skip(1));
        using var warehouse = Warehouse.Open(app.Lake);
        var expected = warehouse.GetMetrics(ReviewWeek with { Vendors = ["Keystone"] }, WarehouseAsOf).Overall;
        Assert.Equal(Format.Count(expected.ManualCases), row[1]);
        Assert.Equal(KpiCatalogue.Sla.Show(expected.SlaCompliance, Format.None), row[4]);
    }
}
