using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Web;

namespace RiskOps.E2E;

/// <summary>
/// The app on Kestrel over the default-size demo (20,000 cases, seed 42, 8 weeks to 2026-11-23 — the size at which the
/// demo's experiments reach their verdicts), for the Experiments page.
/// </summary>
public sealed class ExperimentsServer : IAsyncLifetime
{
    public const string AdminPassword = "e2e-experiments-admin";

    public const string AsOfQuery = "as_of=2026-11-23T00:00:00Z";

    private static readonly DateTimeOffset AsOf = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private WebApplication? _app;

    public string Lake { get; } = Path.Combine(Path.GetTempPath(), "riskops-e2e-experiments-" + Guid.NewGuid().ToString("N"));

    public string BaseUrl { get; private set; } = "";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string Screenshots { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("RISKOPS_TEST_ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(Path.GetTempPath(), "riskops-e2e-artifacts"),
        "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Lake);
        Directory.CreateDirectory(Screenshots);
        var settings = new Dictionary<string, string?> { ["Lake:HashKey"] = "e2e-hash-key" };
        var pipeline = IngestPipeline.Create(Lake, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await DemoGenerator.RunAsync(pipeline, new DemoOptions(Cases: 20000, Seed: 42, Weeks: 8, AsOf: AsOf), TimeProvider.System, null, CancellationToken.None);
        _app = WebHostEntry.Build(
        [
            "--lake", Lake,
            "--urls", "http://127.0.0.1:0",
            "--Lake:HashKey=e2e-hash-key",
            "--Demo:SeedOnStart=false",
            $"--Auth:AdminPassword={AdminPassword}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(Lake, recursive: true);
    }
}

public sealed class ExperimentsBrowserTests(ExperimentsServer server) : IClassFixture<ExperimentsServer>
{
    [Fact]
    public async Task ExperimentsPage_FromNavigation_ShowsRollbackShipAndGuardRails()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1400, Height = 900 } });
        await using var _ = context;
        var page = await context.NewPageAsync();
        page.SetDefaultNavigationTimeout(120_000);
        page.SetDefaultTimeout(120_000);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/?" + ExperimentsServer.AsOfQuery);
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", ExperimentsServer.AdminPassword);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));

        await page.ClickAsync("nav a[href^='/experiments']");
        await page.WaitForURLAsync(url => url.Contains("/experiments", StringComparison.Ordinal));

        Assert.Equal("Experiments", await page.InnerTextAsync("main h1"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "13-experiments.png"), FullPage = true });
        var headings = await page.Locator("main h2").AllInnerTextsAsync();
        Assert.Contains(headings, h => h.StartsWith("reset2fa-threshold-2026-11 — RESET_2FA — treatment: rollback", StringComparison.Ordinal));
        Assert.Contains(headings, h => h.StartsWith("poa-model-2026-11 — POA_REVIEW — treatment: ship", StringComparison.Ordinal));
        var main = await page.InnerTextAsync("main");
        Assert.Contains("Verdict treatment: ROLLBACK — significant: SLA ≤ 4 h", main, StringComparison.Ordinal);
        Assert.Contains("Verdict treatment: SHIP — significant: automation +7.7 pp", main, StringComparison.Ordinal);
        Assert.Contains("Registered: owner demo: 2FA operations lead", main, StringComparison.Ordinal);
        Assert.Contains("— no mismatch", main, StringComparison.Ordinal);
        Assert.Contains("effective n", main, StringComparison.Ordinal);
        Assert.True(await page.Locator("#table-reset2fa-threshold-2026-11-reset_2fa-vs-control table tbody tr").CountAsync() == 4);
        // One case type each: the all-case-types entry would repeat it.
        Assert.DoesNotContain(headings, h => h.Contains("all case types", StringComparison.Ordinal));
        Assert.True(await page.Locator("#table-poa-model-2026-11-poa_review-arms table tbody tr").CountAsync() == 2);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task OverviewAndModelQuality_Estimates_ShownBesideTheMeasuredFigure()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1400, Height = 900 } });
        await using var _ = context;
        var page = await context.NewPageAsync();
        page.SetDefaultNavigationTimeout(120_000);
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync("/?" + ExperimentsServer.AsOfQuery);
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", ExperimentsServer.AdminPassword);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));

        var overview = await page.InnerTextAsync("main");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "14-overview-estimates.png"), FullPage = true });
        Assert.Matches(@"Precision measured on [\d,]+ labelled blocks \(TP\+FP\): [\d.]+ %; estimated for all [\d,]+ decisions: [\d.]+ %", overview);
        Assert.Matches(@"labels in for [\d,]+ of [\d,]+ decisions \([\d.]+ %\)", overview);

        await page.GotoAsync("/model?" + ExperimentsServer.AsOfQuery);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "15-model-estimates.png"), FullPage = true });
        Assert.Contains("Recall measured on", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(6, await page.Locator("#table-estimates table tbody tr").CountAsync());
        // The backtest: the 8 trend weeks ending 2026-W47, all complete at the as-of.
        Assert.Contains("Estimate backtest", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(8, await page.Locator("#table-backtest table tbody tr").CountAsync());
    }
}
