using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Tests;

/// <summary>
/// Liveness, readiness and metrics (issue 12 items 9 and 16, contract v2 §3): <c>/health</c> stays 200, <c>/health/ready</c>
/// answers 503 with a JSON reason naming a damaged file, <c>/data</c> names it too and keeps its other tables, and
/// <c>/metrics</c> exposes rows landed, batch latency, rollup lag and request latency.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-health-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(WebAppFixture.BaseSettings(_lake)).Build();
        var pipeline = IngestPipeline.Create(_lake, configuration);
        foreach (var day in new[] { "2026-11-09", "2026-11-10" })
        {
            var body = $$"""{"case_id":"h-{{day}}","case_type":"ATO","scored_at":"{{day}}T10:00:00Z","model_version":"m1","ai_decision":"block","confidence":0.9,"threshold":0.8,"routing":"auto","priority":10,"user_id":"u-{{day}}"}""" + "\n{broken";
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
            await pipeline.IngestStreamAsync(stream, RecordFormat.Ndjson, RecordKind.Decisions, "test:" + day, null, CancellationToken.None);
        }

        _factory = WebAppFixture.CreateFactory(_lake);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
    }

    private HttpClient Anonymous() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private string TruncateOneDecisionsFile()
    {
        var file = Directory.GetFiles(Path.Combine(_lake, "decisions", "dt=2026-11-10"), "*.parquet").Single();
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length - 20)]);
        return "decisions/dt=2026-11-10/" + Path.GetFileName(file);
    }

    [Fact]
    public async Task Ready_SoundLake_200WithEveryCheckNamed()
    {
        var response = await Anonymous().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var names = body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["hangfire", "lake", "quarantine", "rollup"], names);
    }

    [Fact]
    public async Task Ready_TruncatedParquetFile_503NamingTheFileWhileLivenessStays200()
    {
        var file = TruncateOneDecisionsFile();

        var ready = await Anonymous().GetAsync("/health/ready");
        var live = await Anonymous().GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await Json(ready);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var lake = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "lake");
        Assert.Equal("unhealthy", lake.GetProperty("status").GetString());
        Assert.Contains(file, lake.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task DataPage_TruncatedParquetFile_200NamingTheFileAndShowingQuarantine()
    {
        var file = TruncateOneDecisionsFile();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var factory = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(new ErrorSink(errors))));
        var client = await WebAppFixture.LoginAsync(factory, "dana", WebAppFixture.Password);

        var response = await client.GetAsync("/data");

        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("\n", errors));
        Assert.Contains("Unreadable files", html, StringComparison.Ordinal);
        Assert.Contains(file, html, StringComparison.Ordinal);
        // The rest of the page is still there: its tables say what they cannot show, the jobs are listed.
        Assert.Contains("Recurring jobs", html, StringComparison.Ordinal);
        Assert.Contains("Quarantine", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterApiBatch_ExposesRowsLandedLatencyAndLag()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", WebAppFixture.ApiKey);
        var post = await client.PostAsync("/api/ingest/decisions", new StringContent(
            """{"case_id":"m-1","case_type":"ATO","scored_at":"2026-11-11T10:00:00Z","model_version":"m1","ai_decision":"pass","confidence":0.9,"threshold":0.8,"routing":"auto","priority":10,"user_id":"u-m"}""" + "\n{bad",
            Encoding.UTF8,
            "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        var text = await Anonymous().GetStringAsync("/metrics");

        Assert.Matches(@"riskops_rows_landed_total\{kind=""decisions"",path=""api""\} [1-9]", text);
        Assert.Matches(@"riskops_rows_quarantined_total\{kind=""decisions"",path=""api""\} [1-9]", text);
        Assert.Contains("riskops_batch_duration_seconds_count{kind=\"decisions\",path=\"api\"}", text, StringComparison.Ordinal);
        Assert.Matches(@"riskops_rollup_pending_batches [1-9]", text);
        Assert.Contains("riskops_rollup_lag_seconds", text, StringComparison.Ordinal);
        Assert.Contains("riskops_lake_unreadable_files 0", text, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds", text, StringComparison.Ordinal);
    }

    private sealed class ErrorSink(System.Collections.Concurrent.ConcurrentQueue<string> errors) : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Error;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            errors.Enqueue(formatter(state, exception) + " " + exception);
    }
}
