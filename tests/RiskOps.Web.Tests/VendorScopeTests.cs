using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>
/// A vendor-scoped user (<c>Auth:Users:vera:Vendor</c>) over the demo lake: every page and every CSV shows only that
/// vendor, its figures equal the warehouse's for <c>vendor = V</c>, another vendor in the URL is refused, and the
/// whole-floor areas are closed.
/// </summary>
[Collection(WebCollection.Name)]
public sealed partial class VendorScopeTests(WebAppFixture app) : IAsyncLifetime
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";
    private const string Scope = "Northbridge";
    private static readonly string[] Others = ["AtlasCX", "Keystone"];
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = WebAppFixture.CreateFactory(app.Lake, new Dictionary<string, string?>
        {
            ["Auth:Users:vera:PasswordHash"] = UserStore.HashPassword(WebAppFixture.Password),
            // Lead and data roles: the Data page stays closed to a scoped user whatever the role.
            ["Auth:Users:vera:Roles"] = "lead,data,admin",
            ["Auth:Users:vera:Vendor"] = Scope,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<HttpClient> Vera() => WebAppFixture.LoginAsync(_factory, "vera", WebAppFixture.Password);

    private Task<HttpClient> Admin() => WebAppFixture.LoginAsync(_factory, "admin", WebAppFixture.AdminPassword);

    [Fact]
    public async Task EveryPageAndCsv_ScopedUser_NeverNamesAnotherVendor()
    {
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            Assert.Equal(["AtlasCX", "Keystone", "Northbridge"], warehouse.GetFilterValues().Vendors.Order(StringComparer.Ordinal));
        }

        var client = await Vera();
        var csvLinks = 0;
        foreach (var page in DashboardPages.All.Where(p => p.Policy != Policies.Data && p.Key != "cluster"))
        {
            foreach (var query in new[] { AsOf, $"{AsOf}&from=2026-W43&to=2026-W46" })
            {
                var response = await client.GetAsync($"{page.Path}?{query}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page.Path}: {response.StatusCode}");
                var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
                AssertNoOtherVendor(html, page.Path);
                Assert.Contains($"vendors {Scope}", html, StringComparison.Ordinal);
                foreach (Match link in CsvLink().Matches(html))
                {
                    var csv = await client.GetAsync(WebUtility.HtmlDecode(link.Groups[1].Value));
                    Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
                    AssertNoOtherVendor(await csv.Content.ReadAsStringAsync(), link.Groups[1].Value);
                    csvLinks++;
                }
            }
        }

        // The cluster drill-down of each listed cluster, and its case list.
        var clusters = WebUtility.HtmlDecode(await client.GetStringAsync($"/clusters?{AsOf}"));
        foreach (Match link in ClusterLink().Matches(clusters))
        {
            AssertNoOtherVendor(WebUtility.HtmlDecode(await client.GetStringAsync(WebUtility.HtmlDecode(link.Groups[1].Value))), link.Value);
        }

        Assert.True(csvLinks > 20, $"only {csvLinks} CSV links were checked");
    }

    [Fact]
    public async Task Figures_ScopedUser_EqualWarehouseFilteredToTheVendor()
    {
        MetricsReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetMetrics(new MetricFilters { Weeks = ["2026-W46"], Vendors = [Scope] }, WebAppFixture.AsOf);
        }

        var vera = await Vera();
        var admin = await Admin();
        var overview = CsvText.Parse(await vera.GetStringAsync($"/export/overview/by_case_type.csv?{AsOf}"));
        Assert.True(expected.ByCaseType.Sum(c => c.Decisions) > 0);
        foreach (var slice in expected.ByCaseType)
        {
            var row = overview.Single(r => r[0] == slice.CaseType);
            Assert.Equal(Format.Count(slice.Decisions), row[1]);
            Assert.Equal(RiskOps.Reports.Kpis.KpiCatalogue.Precision.Show(slice.Precision, Format.None), row[2]);
            Assert.Equal(RiskOps.Reports.Kpis.KpiCatalogue.DecisionAccuracy.Show(slice.DecisionAccuracy, Format.None), row[6]);
        }

        // Every table the scoped user downloads is the one an unscoped user gets with vendor = V.
        foreach (var table in new[] { "overview/by_case_type", "sla/by_case_type", "bpo/by_vendor", "bpo/by_reviewer", "model/by_case_type" })
        {
            var scoped = await vera.GetStringAsync($"/export/{table}.csv?{AsOf}");
            var filtered = await admin.GetStringAsync($"/export/{table}.csv?{AsOf}&vendor={Scope}");
            Assert.Equal(filtered, scoped);
        }

        // The audit log records the scoped user's downloads with the scope that was forced on them.
        var downloads = new RiskOps.Web.Audit.FileAuditLog(app.Lake).Newest(0, 200).Where(e => e.Actor == "vera" && e.Action == RiskOps.Web.Audit.AuditActions.ExportCsv).ToList();
        Assert.True(downloads.Count >= 6);
        Assert.All(downloads, e => Assert.Contains("vendor=Northbridge", e.Detail, StringComparison.Ordinal));

        // The overview cards too.
        var html = WebUtility.HtmlDecode(await vera.GetStringAsync($"/?{AsOf}"));
        Assert.Contains($"<div class=\"value\">{RiskOps.Reports.Kpis.KpiCatalogue.Precision.Show(expected.Overall.Precision, Format.None)}</div>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vendor=AtlasCX")]
    [InlineData("vendor=Northbridge,Keystone")]
    [InlineData("vendor=Northbridge&vendor=AtlasCX")]
    public async Task OtherVendorInUrl_ScopedUser_Refused(string query)
    {
        var client = await Vera();
        foreach (var path in new[] { "/", "/bpo", "/export/bpo/by_vendor.csv", "/export/today/cases.csv" })
        {
            var response = await client.GetAsync($"{path}?{AsOf}&{query}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains($"sees only vendor {Scope}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Its own vendor, in any case, is the scope.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/bpo?{AsOf}&vendor=northbridge")).StatusCode);
    }

    [Fact]
    public async Task WholeFloorAreas_ScopedUser_ClosedAndNotLinked()
    {
        var client = await Vera();
        foreach (var path in new[] { "/data", "/export/data/lake.csv", "/reports", "/alerts", "/alerts/history", "/alerts/history.csv", "/audit", "/hangfire" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
        }

        var html = await client.GetStringAsync($"/?{AsOf}");
        Assert.DoesNotContain("href=\"/data", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/reports", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/alerts", html, StringComparison.Ordinal);
        Assert.Contains($"vendor {Scope} only", html, StringComparison.Ordinal);
        Assert.Contains("readonly=\"readonly\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityStamp_VendorChanged_Differs()
    {
        var user = new DashboardUser("vera", "hash", ["lead"], "Northbridge");
        Assert.NotEqual(UserStore.SecurityStamp(user), UserStore.SecurityStamp(user with { Vendor = "AtlasCX" }));
        Assert.NotEqual(UserStore.SecurityStamp(user), UserStore.SecurityStamp(user with { Vendor = null }));
    }

    private static void AssertNoOtherVendor(string text, string where)
    {
        foreach (var other in Others)
        {
            var at = text.IndexOf(other, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"{where} names {other}: …{(at < 0 ? "" : text.Substring(Math.Max(0, at - 120), Math.Min(240, text.Length - Math.Max(0, at - 120))))}…");
        }
    }

    [GeneratedRegex("href=\"(/export/[^\"]+\\.csv[^\"]*)\"")]
    private static partial Regex CsvLink();

    [GeneratedRegex("href=\"(/cluster\\?[^\"]+)\"")]
    private static partial Regex ClusterLink();
}
