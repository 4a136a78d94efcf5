using System.Diagnostics;
using System.Net;
using System.Text.Json;
using RiskOps.Production.Tests.Support;

namespace RiskOps.Production.Tests;

/// <summary>
/// <c>/health/ready</c> in production mode (contract v2 §3, issue 12 item 16): the web app on real Kestrel with Hangfire
/// on a real PostgreSQL answers 200 while the database is up and 503 naming the job storage while it is down, and
/// <c>/health</c> stays the 200 liveness answer throughout.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReadinessTests(PostgresFixture postgres)
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body);
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Ready_PostgresDownThenUp_503NamingJobStorageThen200()
    {
        if (!postgres.OwnsServer)
        {
            return;
        }

        using var lake = new TestLake("ready");
        var hangfire = await postgres.CreateDatabaseAsync("hf_ready");
        HangfireGlobals.EnsureInitialized();
        try
        {
            await using var app = RiskOps.Web.WebHostEntry.Build(
            [
                "--lake", lake.Lake, "--urls", "http://127.0.0.1:0",
                $"--ConnectionStrings:Hangfire={hangfire}",
                $"--Lake:HashKey={WorkerProcess.HashKey}",
                "--Auth:AdminPassword=readiness-test-password",
                "--Health:StorageTimeoutSeconds=3",
            ]);
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };

            var up = await ReadyAsync(client);
            Assert.Equal(HttpStatusCode.OK, up.Status);
            Assert.Contains("PostgreSql", Check(up.Body, "hangfire").GetProperty("description").GetString(), StringComparison.Ordinal);

            var restart = postgres.RestartAsync(TimeSpan.FromSeconds(6));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var down = await ReadyAsync(client);
            var live = await client.GetAsync("/health");
            await restart;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
            Assert.Equal("unhealthy", Check(down.Body, "hangfire").GetProperty("status").GetString());
            Assert.Equal("healthy", Check(down.Body, "lake").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            var waited = Stopwatch.StartNew();
            var again = await ReadyAsync(client);
            while (again.Status != HttpStatusCode.OK && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(500);
                again = await ReadyAsync(client);
            }

            Assert.Equal(HttpStatusCode.OK, again.Status);
            await app.StopAsync();
        }
        finally
        {
            HangfireGlobals.ResetLogProvider();
        }
    }
}
