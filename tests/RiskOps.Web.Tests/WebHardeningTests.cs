using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RiskOps.Sql.Model;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Demo;
using RiskOps.Web.Endpoints;
using RiskOps.Web.Hosting;

namespace RiskOps.Web.Tests;

/// <summary>Filter caps, export hygiene and the production-mode start checks (issue 12 items 10, 13 and 15).</summary>
[Collection(WebCollection.Name)]
public sealed class WebHardeningTests(WebAppFixture app)
{
    private static readonly string AsOf = "as_of=" + Uri.EscapeDataString(WebAppFixture.AsOf.ToString("O"));

    private static string Vendors(int count) => string.Join(',', Enumerable.Range(1, count).Select(i => $"vendor-{i}"));

    [Fact]
    public async Task Page_MoreValuesThanTheCapInOneFilter_Returns400()
    {
        var client = await app.LoginAsync("lena");

        var over = await client.GetAsync($"/sla?vendor={Vendors(DashboardFilters.MaxValuesPerKey + 1)}&{AsOf}");

        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains($"at most {DashboardFilters.MaxValuesPerKey}", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValuesAtTheCap_Accepted()
    {
        var query = new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["vendor"] = Vendors(DashboardFilters.MaxValuesPerKey),
            ["region"] = Enumerable.Range(1, DashboardFilters.MaxValuesPerKey + 1).Select(i => $"r{i}").ToArray(),
        });

        var error = Assert.Throws<InvalidFilterException>(() => DashboardFilters.Parse(query));
        Assert.StartsWith("region has 51 values", error.Message, StringComparison.Ordinal);
        query = new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["vendor"] = Vendors(DashboardFilters.MaxValuesPerKey) });
        Assert.Equal(DashboardFilters.MaxValuesPerKey, DashboardFilters.Parse(query).Metrics.Vendors.Count);
    }

    [Fact]
    public async Task Export_MoreValuesThanTheCap_Returns400()
    {
        var client = await app.LoginAsync("dana");

        var response = await client.GetAsync($"/export/sla/by_case_type.csv?vendor={Vendors(400)}&{AsOf}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Export_Csv_CarriesNoStore()
    {
        var client = await app.LoginAsync("dana");

        var response = await client.GetAsync($"/export/data/lake.csv?{AsOf}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public void Write_FormulaLikeCells_PrefixedWithQuoteNumbersKept()
    {
        var table = new TableModel("t", "T", ["value"],
        [
            ["=HYPERLINK(\"http://x\")"], ["+1+cmd|' /C calc'!A0"], ["-2+3"], ["@SUM(A1)"], ["\tlead"], ["\rx"], ["-0.5"], ["+12"], ["1e-3"], ["plain"],
        ]);

        var lines = Csv.Write(table).Split("\r\n");

        Assert.Equal(
            ["value", "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "'\tlead", "\"'\rx\"", "-0.5", "+12", "1e-3", "plain", ""],
            lines);
    }

    [Fact]
    public async Task ClusterDrillDown_ExampleCases_BoundAsParameterStillListed()
    {
        var client = await app.LoginAsync("lena");
        var report = app.Factory.Services.GetRequiredService<DashboardData>().Clusters(MetricFilters.None);
        var cluster = report.Clusters.First(c => c.ExampleCaseIds.Count > 0);

        var html = await client.GetStringAsync($"/cluster?cluster={Uri.EscapeDataString(RiskOps.Web.Dashboard.Views.ClustersView.Id(cluster))}&{AsOf}");

        Assert.All(cluster.ExampleCaseIds, id => Assert.Contains(id, html, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, null, "needs Lake:HashKey")]
    [InlineData("short-key", null, "at least 32")]
    [InlineData("a-production-hash-key-of-40-characters!!", "true", "Demo:SeedOnStart")]
    public void Build_ProductionModeUnsafeSetting_RefusesToStart(string? hashKey, string? seed, string expected)
    {
        var args = new List<string> { "--lake", Path.Combine(Path.GetTempPath(), "riskops-never-created"), "--ConnectionStrings:Hangfire=Host=127.0.0.1;Port=1;Database=x" };
        if (hashKey is not null)
        {
            args.Add("--Lake:HashKey=" + hashKey);
        }

        if (seed is not null)
        {
            args.Add("--Demo:SeedOnStart=" + seed);
        }

        var error = Assert.Throws<ProductionConfigurationException>(() => WebHostEntry.Build([.. args]));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ProductionModeSoundSettings_SeedsNothingByDefault()
    {
        await using var host = WebHostEntry.Build(["--lake", app.Lake, "--ConnectionStrings:Hangfire=Host=127.0.0.1;Port=1;Database=x", "--Lake:HashKey=a-production-hash-key-of-40-characters!!"]);

        Assert.False(host.Services.GetRequiredService<IOptions<DemoSeedOptions>>().Value.SeedOnStart);
    }

    [Fact]
    public async Task Build_EmbeddedDefaultWithoutHashKey_StillBuildsAndSeeds()
    {
        // README's first command: no connection string, no hash key — the embedded default keeps working as it is.
        await using var host = WebHostEntry.Build(["--lake", app.Lake]);

        Assert.True(host.Services.GetRequiredService<IOptions<DemoSeedOptions>>().Value.SeedOnStart);
    }

    [Fact]
    public void ApiKeys_CommaSeparatedScalar_EveryKeyAccepted()
    {
        using var factory = WebAppFixture.CreateFactory(app.Lake, new Dictionary<string, string?> { ["Ingest:ApiKeys:0"] = null, ["Ingest:ApiKeys"] = "key1,key2" });

        var keys = factory.Services.GetRequiredService<IOptions<IngestApiOptions>>().Value.ApiKeys;

        Assert.Equal(["key1", "key2"], keys);
    }
}

/// <summary>"Generate now" on a lake whose archive cannot be written (issue 12 item 15).</summary>
public sealed class ReadOnlyArchiveTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-readonly-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        // Tests run as root, which ignores file modes: a plain file where the archive folder belongs cannot be written
        // into, as on a read-only volume.
        File.WriteAllText(Path.Combine(_lake, "_reports"), "not a folder");
        _factory = WebAppFixture.CreateFactory(_lake);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
    }

    [Fact]
    public async Task GenerateNow_ArchiveNotWritable_ClearErrorWithin5Seconds()
    {
        var client = await WebAppFixture.LoginAsync(_factory, "max", WebAppFixture.Password);
        var page = await client.GetStringAsync("/reports");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var response = await client.PostAsync("/reports?handler=Generate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Week"] = "2026-W46",
            ["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(page),
        }));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("cannot be written", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
