using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RiskOps.Web.Demo;

namespace RiskOps.Web.Tests;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task Start_EmptyLakeWithSeedOnStart_AnswersAtOnceAndSeedsDemoData()
    {
        var lake = Path.Combine(Path.GetTempPath(), "riskops-web-seed-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var factory = WebAppFixture.CreateFactory(lake, new Dictionary<string, string?>
            {
                ["Demo:SeedOnStart"] = "true",
                ["Demo:Cases"] = "400",
            });
            var health = await factory.CreateClient().GetAsync("/health");
            var state = factory.Services.GetRequiredService<DemoSeedState>();

            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (state.Running && waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(200);
            }

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.False(state.Running);
            Assert.Null(state.Status);
            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(lake, "decisions"), "*.parquet", SearchOption.AllDirectories));
            // The rollups are published with the demo data, so the first dashboard visit already reads them.
            using (var warehouse = RiskOps.Sql.Warehouse.Open(lake))
            {
                Assert.NotNull(warehouse.FreshRollup());
            }

            var client = await WebAppFixture.LoginAsync(factory, "lena", WebAppFixture.Password);
            // The overview reviews one week by default; a range from long ago covers every seeded case.
            var html = await client.GetStringAsync("/?from=2000-01-01");
            Assert.Contains("400 decisions in 2000-01-01", html, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Start_SeedOnStartFalse_LeavesTheLakeEmpty()
    {
        var lake = Path.Combine(Path.GetTempPath(), "riskops-web-noseed-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var factory = WebAppFixture.CreateFactory(lake);
            var client = await WebAppFixture.LoginAsync(factory, "lena", WebAppFixture.Password);

            var response = await client.GetAsync("/");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("0 decisions in ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(lake, "decisions")));
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }
}
