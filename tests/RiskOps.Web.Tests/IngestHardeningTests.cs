using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using RiskOps.Sql;
using RiskOps.Web.Endpoints;

namespace RiskOps.Web.Tests;

/// <summary>
/// The ingest API under misuse (issue 12 items 3, 9, 13, 14): a reused Idempotency-Key with another body, the same key
/// from two senders, a concurrent retry, the documented comma-separated key list, and a partition whose file is damaged.
/// </summary>
public sealed class IngestHardeningTests : IAsyncLifetime
{
    private const string FirstKey = "first-sender-api-key-0001";
    private const string SecondKey = "second-sender-api-key-0002";
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-hardening-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        // The environment-variable format the docs give: Ingest__ApiKeys=key1,key2 (one scalar, no :0 / :1 children).
        _factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Ingest:ApiKeys:0"] = null,
            ["Ingest:ApiKeys"] = $"{FirstKey}, {SecondKey}",
            ["Ingest:MaxBodyBytes"] = "10000000",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
    }

    private static string Decision(string caseId, string day = "2026-11-10") =>
        $$"""{"case_id":"{{caseId}}","case_type":"ATO","scored_at":"{{day}}T10:00:00Z","model_version":"m1","ai_decision":"block","confidence":0.9,"threshold":0.8,"routing":"auto","priority":10,"user_id":"user-{{caseId}}","signals":["vpn_ip"],"region":"EU"}""";

    private HttpClient Client(string key)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static HttpRequestMessage Post(string body, string? idempotencyKey) => Post(new StringContent(body, Encoding.UTF8, "application/x-ndjson"), idempotencyKey);

    private static HttpRequestMessage Post(HttpContent content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/decisions") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private long CountCases(string prefix)
    {
        using var warehouse = Warehouse.Open(_lake);
        var result = warehouse.Query($"select count(*) from raw_decisions where starts_with(case_id, '{prefix}')");
        return Convert.ToInt64(result.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Post_SameIdempotencyKeyWithAnotherBody_Returns422AndLandsNothing()
    {
        var client = Client(FirstKey);

        var first = await client.SendAsync(Post(Decision("reuse-1"), "batch-7"));
        var other = await client.SendAsync(Post(Decision("reuse-2"), "batch-7"));
        var retry = await client.SendAsync(Post(Decision("reuse-1"), "batch-7"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Contains("Idempotency-Key", (await Json(other)).GetProperty("error").GetString(), StringComparison.Ordinal);
        // The true retry (same body) is still the 200 "already ingested" answer.
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.True((await Json(retry)).GetProperty("already_ingested").GetBoolean());
        Assert.Equal(1, CountCases("reuse-1"));
        Assert.Equal(0, CountCases("reuse-2"));
    }

    [Fact]
    public async Task Post_SameIdempotencyKeyFromTwoApiKeys_BothLandAndManifestsNameTheirKey()
    {
        var one = await Json(await Client(FirstKey).SendAsync(Post(Decision("scoped-a"), "daily-2026-11-10")));
        var two = await Json(await Client(SecondKey).SendAsync(Post(Decision("scoped-b"), "daily-2026-11-10")));

        Assert.False(one.GetProperty("already_ingested").GetBoolean());
        Assert.False(two.GetProperty("already_ingested").GetBoolean());
        Assert.NotEqual(one.GetProperty("batch_id").GetString(), two.GetProperty("batch_id").GetString());
        Assert.Equal(1, CountCases("scoped-a"));
        Assert.Equal(1, CountCases("scoped-b"));
        foreach (var (batch, key) in new[] { (one, FirstKey), (two, SecondKey) })
        {
            var manifest = File.ReadAllText(Path.Combine(_lake, "_manifests", batch.GetProperty("batch_id").GetString() + ".json"));
            Assert.Contains("api_key=" + IngestApi.ApiKeyId(key), manifest, StringComparison.Ordinal);
            Assert.DoesNotContain(key, manifest, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Post_SameKeyWhileFirstStillStreaming_Returns409JsonWithRetryAfter()
    {
        var client = Client(FirstKey);
        // A first half far larger than the server's request buffer: its write completes only once the handler reads the
        // body, i.e. after it has claimed the key.
        var firstHalf = string.Concat(Enumerable.Range(0, 4000).Select(i => Decision($"slow-a{i}") + "\n"));
        var slow = new SlowContent(Encoding.UTF8.GetBytes(firstHalf), Encoding.UTF8.GetBytes(Decision("slow-b") + "\n"));
        slow.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");

        var firstTask = client.SendAsync(Post(slow, "concurrent-1"));
        await slow.FirstHalfSent.WaitAsync(TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        var second = await client.SendAsync(Post(Decision("slow-b") + "\n", "concurrent-1"));
        slow.Release();
        var first = await firstTask.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains("being ingested", (await Json(second)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(4001, CountCases("slow-"));
    }

    [Fact]
    public async Task Post_PartitionWithTruncatedFile_Returns503JsonNamingThePartition()
    {
        var client = Client(SecondKey);
        var landed = await client.SendAsync(Post(Decision("damaged-1", "2026-10-05"), null));
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(_lake, "decisions", "dt=2026-10-05"), "*.parquet"));
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);

        var response = await client.SendAsync(Post(Decision("damaged-2", "2026-10-05"), null));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = (await Json(response)).GetProperty("error").GetString()!;
        Assert.Contains("decisions/dt=2026-10-05", error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(file), error, StringComparison.Ordinal);
    }

    /// <summary>A body sent in two halves; the second only after <see cref="Release"/>.</summary>
    private sealed class SlowContent(byte[] first, byte[] second) : HttpContent
    {
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstHalfSent => _sent.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            _sent.TrySetResult();
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await stream.WriteAsync(second);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
