using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;
using RiskOps.Sql;

namespace RiskOps.Web.Tests;

/// <summary>
/// Issue 12 items 8 and 9: the warehouse reads only manifested files (a stray or half-published Parquet file in a kind's
/// partition changes no figure, compacted files stay in, the public glob stays as documented), and leaves out an
/// unreadable file so the other partitions and pages keep working, on real Kestrel.
/// </summary>
public sealed class ManifestedLakeTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-manifested-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(WebAppFixture.BaseSettings(_lake)).Build();
        var pipeline = IngestPipeline.Create(_lake, configuration);
        foreach (var day in new[] { "2026-11-09", "2026-11-10" })
        {
            var body = string.Join('\n', Enumerable.Range(0, 3).Select(i =>
                $$"""{"case_id":"m-{{day}}-{{i}}","case_type":"ATO","scored_at":"{{day}}T10:00:00Z","model_version":"m1","ai_decision":"block","confidence":0.9,"threshold":0.8,"routing":"auto","priority":10,"user_id":"u-{{i}}"}"""));
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
            await pipeline.IngestStreamAsync(stream, RecordFormat.Ndjson, RecordKind.Decisions, "test:" + day, null, CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_lake, recursive: true);
        return Task.CompletedTask;
    }

    private string PartitionFile(string day) => Directory.GetFiles(Path.Combine(_lake, "decisions", "dt=" + day), "part-*.parquet").Single(f => !f.Contains("stray", StringComparison.Ordinal));

    /// <summary>A published file's rows as new cases under another name: what a half-published or stray file would add.</summary>
    private string PlantStray(string day)
    {
        var stray = Path.Combine(_lake, "decisions", "dt=" + day, "part-stray-0001.parquet");
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"copy (select * replace ('stray-' || case_id as case_id) from read_parquet('{Q(PartitionFile(day))}')) to '{Q(stray)}' (format parquet)";
        command.ExecuteNonQuery();
        return stray;
    }

    private static long Count(Warehouse warehouse, string sql) => Convert.ToInt64(warehouse.Query(sql).Rows.Single()[0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Views_StrayParquetWithoutManifest_ChangesNoFigureButThePublicGlobStays()
    {
        using var warehouse = Warehouse.Open(_lake);
        Assert.Equal(6, Count(warehouse, "select count(*) from raw_decisions"));

        PlantStray("2026-11-10");

        Assert.Equal(6, Count(warehouse, "select count(*) from raw_decisions"));
        Assert.Equal(6, Count(warehouse, "select count(*) from decisions"));
        using (var fresh = Warehouse.Open(_lake))
        {
            Assert.Equal(6, Count(fresh, "select count(*) from raw_decisions"));
            Assert.Equal(6, Count(fresh, "select count(*) from cases"));
            Assert.Equal(6, Convert.ToInt64(fresh.QuerySandboxed("select count(*) from raw_decisions").Rows.Single()[0], System.Globalization.CultureInfo.InvariantCulture));
        }

        // The public interface for data teams stays the glob of docs/lake.md, which does see the stray file.
        Assert.Contains($"{Q(_lake)}/decisions/**/*.parquet", warehouse.PrintViews(), StringComparison.Ordinal);
        Assert.Equal(9, Count(warehouse, $"select count(*) from read_parquet('{Q(_lake)}/decisions/**/*.parquet')"));
    }

    [Fact]
    public void Rollup_StrayParquetWithoutManifest_BuildsFromManifestedRowsOnly()
    {
        PlantStray("2026-11-09");
        using var warehouse = Warehouse.Open(_lake);

        var (rollup, _) = warehouse.Fold(DateTimeOffset.UtcNow, rebuild: true);

        Assert.Equal(6, Count(warehouse, $"select count(*) from read_parquet('{Q(Path.Combine(rollup.Folder, "cases.parquet"))}')"));
    }

    [Fact]
    public async Task Compaction_StrayBesideManifestedFiles_CompactedRowsStayInAndTheStrayStaysOut()
    {
        var stray = PlantStray("2026-11-10");
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = _lake }), NullLogger<CompactionJob>.Instance);

        await job.RunAllAsync(null, CancellationToken.None);

        var files = Directory.GetFiles(Path.Combine(_lake, "decisions", "dt=2026-11-10"), "*.parquet").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(Path.GetFileName(stray), files);
        Assert.Contains(files, f => f!.StartsWith("part-compacted-", StringComparison.Ordinal));
        using var warehouse = Warehouse.Open(_lake);
        Assert.Equal(6, Count(warehouse, "select count(*) from raw_decisions"));
        Assert.Equal(3, Count(warehouse, "select count(*) from raw_decisions where dt = '2026-11-10'"));
    }

    [Fact]
    public void Views_TruncatedFileInOnePartition_OtherPartitionsStillReadAndTheFileIsNamed()
    {
        using var warehouse = Warehouse.Open(_lake);
        var file = Truncate("2026-11-10");

        Assert.Equal(3, Count(warehouse, "select count(*) from decisions"));
        var problem = Assert.Single(warehouse.UnreadableFiles());
        Assert.Equal(file, problem.File);
    }

    [Fact]
    public async Task Pages_TruncatedFileOnRealKestrel_EveryPageAnswersAndDataNamesTheFile()
    {
        var file = Truncate("2026-11-10");
        await using var factory = WebAppFixture.CreateFactory(_lake);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var client = await Login(factory, address, "lena");
        var data = await Login(factory, address, "dana");

        foreach (var page in new[] { "/", "/model", "/calibration", "/clusters", "/sla", "/bpo", "/sop", "/today" })
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode}");
            Assert.Equal(page, response.RequestMessage!.RequestUri!.AbsolutePath);
        }

        var html = await (await data.GetAsync("/data")).Content.ReadAsStringAsync();
        Assert.Contains(file, html, StringComparison.Ordinal);
        var ready = await factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = address }).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains(file, await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpClient> Login(WebApplicationFactory<Program> factory, Uri address, string user)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = address });
        var response = await WebAppFixture.PostLoginAsync(client, user, WebAppFixture.Password);
        // The Kestrel client follows the redirect: a good login lands on the overview, a bad one stays on /login.
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)response.StatusCode}");
        Assert.NotEqual("/login", response.RequestMessage!.RequestUri!.AbsolutePath);
        return client;
    }

    private static string Q(string path) => path.Replace('\\', '/').Replace("'", "''", StringComparison.Ordinal);

    private string Truncate(string day)
    {
        var path = PartitionFile(day);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        return $"decisions/dt={day}/{Path.GetFileName(path)}";
    }
}
