using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using RiskOps.Sql;

namespace RiskOps.Web.Tests;

/// <summary>An app over an empty lake of its own, so ingest tests do not change the demo lake others read.</summary>
public sealed class IngestLakeFixture : IAsyncLifetime
{
    public string Lake { get; } = Path.Combine(Path.GetTempPath(), "riskops-web-ingest-" + Guid.NewGuid().ToString("N"));

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Lake);
        Factory = WebAppFixture.CreateFactory(Lake);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Directory.Delete(Lake, recursive: true);
    }
}

public sealed class IngestApiTests(IngestLakeFixture app) : IClassFixture<IngestLakeFixture>
{
    private static string Decision(string caseId, double confidence = 0.9) =>
        $$"""{"case_id":"{{caseId}}","case_type":"ATO","scored_at":"2026-11-10T10:00:00Z","model_version":"m1","ai_decision":"block","confidence":{{confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"threshold":0.8,"routing":"auto","priority":10,"user_id":"user-{{caseId}}","signals":["vpn_ip"],"region":"EU"}""";

    private HttpClient Client(string? key = WebAppFixture.ApiKey)
    {
        var client = app.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static StringContent Ndjson(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private long CountCases(string prefix)
    {
        using var warehouse = Warehouse.Open(app.Lake);
        var result = warehouse.Query($"select count(*) from raw_decisions where starts_with(case_id, '{prefix}')");
        return Convert.ToInt64(result.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Post_MissingOrWrongKey_Returns401(string? key)
    {
        var response = await Client(key).PostAsync("/api/ingest/decisions", Ndjson(Decision("k-1")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("API key", (await Json(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithSessionCookieButNoKey_Returns401()
    {
        var factory = app.Factory;
        var client = await WebAppFixture.LoginAsync(factory, "admin", WebAppFixture.AdminPassword);

        var response = await client.PostAsync("/api/ingest/decisions", Ndjson(Decision("k-2")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Post_UnknownKind_Returns404WithReason()
    {
        var response = await Client().PostAsync("/api/ingest/invoices", Ndjson(Decision("x")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("unknown kind 'invoices'", (await Json(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnsupportedMediaType_Returns415()
    {
        var response = await Client().PostAsync("/api/ingest/decisions", new StringContent(Decision("x"), Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/x-ndjson or text/csv", (await Json(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_Returns413AndLandsNothing()
    {
        var lines = Enumerable.Range(0, 1200).Select(i => Decision($"big-{i}"));
        var body = string.Join('\n', lines);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 200_000);

        var response = await Client().PostAsync("/api/ingest/decisions", Ndjson(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Ingest:MaxBodyBytes", (await Json(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, CountCases("big-"));
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Returns413()
    {
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 1200).Select(i => Decision($"chunk-{i}"))));
        var content = new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/decisions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_EmptyBody_Returns400()
    {
        var response = await Client().PostAsync("/api/ingest/decisions", Ndjson(""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("empty body", (await Json(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Post_CsvWithoutContractHeader_Returns400WithReason()
    {
        var response = await Client().PostAsync("/api/ingest/decisions", new StringContent("foo,bar\n1,2\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await Json(response)).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Post_SameIdempotencyKeyTwice_LandsOnce()
    {
        var body = string.Join('\n', Decision("idem-1"), Decision("idem-2"), Decision("idem-3"));
        var client = Client();

        var first = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/ingest/decisions") { Content = Ndjson(body), Headers = { { "Idempotency-Key", "retry-42" } } });
        var second = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/ingest/decisions") { Content = Ndjson(body), Headers = { { "Idempotency-Key", "retry-42" } } });
        var one = await Json(first);
        var two = await Json(second);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(3, one.GetProperty("landed").GetInt64());
        Assert.False(one.GetProperty("already_ingested").GetBoolean());
        // A retry is answered with the original batch's counts, flagged as already ingested.
        Assert.True(two.GetProperty("already_ingested").GetBoolean());
        Assert.Equal(3, two.GetProperty("landed").GetInt64());
        Assert.Equal(one.GetProperty("batch_id").GetString(), two.GetProperty("batch_id").GetString());
        Assert.Equal(3, CountCases("idem-"));
    }

    [Fact]
    public async Task Post_SomeBadRecords_Returns200WithQuarantineReasons()
    {
        var body = string.Join('\n', Decision("mixed-1"), Decision("mixed-2", confidence: 1.7), "{not json", Decision("mixed-4"));

        var response = await Client().PostAsync("/api/ingest/decisions", Ndjson(body));
        var json = await Json(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("decisions", json.GetProperty("kind").GetString());
        Assert.Equal(2, json.GetProperty("landed").GetInt64());
        Assert.Equal(2, json.GetProperty("quarantined").GetInt64());
        var sample = json.GetProperty("quarantine_sample").EnumerateArray().ToList();
        Assert.Equal([2L, 3L], sample.Select(s => s.GetProperty("line").GetInt64()).Order());
        Assert.Contains("confidence", sample.Single(s => s.GetProperty("line").GetInt64() == 2).GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, CountCases("mixed-"));
    }

    [Fact]
    public async Task Post_AllRecordsBad_Returns200WithEverythingQuarantined()
    {
        var body = string.Join('\n', Decision("bad-1", confidence: 2), Decision("bad-2", confidence: -1));

        var response = await Client().PostAsync("/api/ingest/decisions", Ndjson(body));
        var json = await Json(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, json.GetProperty("landed").GetInt64());
        Assert.Equal(2, json.GetProperty("quarantined").GetInt64());
    }

    [Fact]
    public async Task Post_Csv_Lands()
    {
        const string csv = "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n"
            + "csv-1,KYC_AUDIT,2026-11-11T08:00:00+08:00,m2,pass,0.97,0.9,auto,80,u-9,new_device|vpn_ip,APAC\n";

        var response = await Client().PostAsync("/api/ingest/decisions", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await Json(response)).GetProperty("landed").GetInt64());
        Assert.Equal(1, CountCases("csv-"));
    }
}
