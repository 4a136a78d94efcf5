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
/// The real app on Kestrel (loopback, free port) over a small demo lake, driven by Debian's Chromium through Playwright.
/// Screenshots of every page go to $RISKOPS_TEST_ARTIFACTS/screenshots (else a temp folder).
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string AdminPassword = "e2e-admin-password";

    /// <summary>The demo data's as-of; pages are opened with <c>as_of</c> = this so figures do not depend on today.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    public const string AsOfQuery = "as_of=2026-11-16T00:00:00Z";

    private WebApplication? _app;

    public string Lake { get; } = Path.Combine(Path.GetTempPath(), "riskops-e2e-" + Guid.NewGuid().ToString("N"));

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
        await DemoGenerator.RunAsync(pipeline, new DemoOptions(Cases: 3000, Seed: 11, Weeks: 4, AsOf: AsOf, WithBadRecords: true), TimeProvider.System, null, CancellationToken.None);

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

public sealed class DashboardBrowserTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    private static readonly (string Path, string Title, string File)[] Pages =
    [
        ("/", "Overview", "01-overview"),
        ("/model", "Model quality", "02-model-quality"),
        ("/calibration", "Calibration & thresholds", "03-calibration"),
        ("/clusters", "FP/FN patterns", "04-clusters"),
        ("/sla", "SLA", "06-sla"),
        ("/bpo", "BPO quality", "07-bpo"),
        ("/sop", "SOP coverage", "08-sop"),
        ("/data", "Data", "09-data"),
    ];

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenAsync()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1400, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();

        // Two CPU cores shared with a build: a page's first (uncached) computation can take a while.
        page.SetDefaultNavigationTimeout(120_000);
        page.SetDefaultTimeout(120_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");
        return (context, page, errors);
    }

    private static async Task LoginAsync(IPage page, string password)
    {
        await page.GotoAsync("/?" + DashboardServer.AsOfQuery);
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", password);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_LoginOpenEveryPageFilterDrillDownAndDownload_Works()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;

        await LoginAsync(page, DashboardServer.AdminPassword);
        Assert.Equal("Overview", await page.InnerTextAsync("main h1"));

        foreach (var (path, title, file) in Pages)
        {
            var response = await page.GotoAsync($"{path}?{DashboardServer.AsOfQuery}");
            Assert.Equal(200, response!.Status);
            Assert.Equal(title, await page.InnerTextAsync("main h1"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, file + ".png"), FullPage = true });
        }

        // Every chart image decodes (a broken SVG has no natural width).
        await page.GotoAsync("/model?" + DashboardServer.AsOfQuery);
        var widths = await page.EvalOnSelectorAllAsync<int[]>("main img", "imgs => imgs.map(i => i.naturalWidth)");
        Assert.NotEmpty(widths);
        Assert.All(widths, w => Assert.True(w > 0));

        // Change a filter through the form: it lands in the URL, so the link can be shared.
        await page.GotoAsync("/bpo?" + DashboardServer.AsOfQuery);
        await page.SelectOptionAsync("select[name=case_type]", "ATO");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("case_type=ATO", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        Assert.Contains("case types ATO", await page.InnerTextAsync("p.scope"), StringComparison.Ordinal);
        Assert.Contains("case_type=ATO", await page.GetAttributeAsync("nav a[href^='/model']", "href"), StringComparison.Ordinal);

        // Follow a cluster drill-down.
        await page.GotoAsync("/clusters?" + DashboardServer.AsOfQuery);
        await page.ClickAsync("main table a[href^='/cluster?']");
        await page.WaitForURLAsync(url => url.Contains("/cluster?", StringComparison.Ordinal));
        Assert.Contains("Example cases", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#table-examples table tbody tr").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "05-cluster-drilldown.png"), FullPage = true });

        // Download a table as CSV.
        await page.GotoAsync("/sop?" + DashboardServer.AsOfQuery);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#table-coverage a.csv"));
        var csvPath = Path.Combine(Path.GetTempPath(), "riskops-e2e-" + Guid.NewGuid().ToString("N") + ".csv");
        await download.SaveAsAsync(csvPath);
        var lines = await File.ReadAllLinesAsync(csvPath);
        File.Delete(csvPath);
        Assert.Equal("sop-coverage.csv", download.SuggestedFilename);
        Assert.Equal("case_type,scenarios,covered,coverage", lines[0]);
        Assert.True(lines.Length > 1);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task HangfireDashboard_Admin_OpensWithoutConsoleErrors()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.AdminPassword);

        var response = await page.GotoAsync("/hangfire");

        Assert.Equal(200, response!.Status);
        Assert.Contains("RiskOps jobs", await page.TitleAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "10-hangfire.png") });
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task InvalidFilter_ShowsMessageWith400()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.AdminPassword);

        var response = await page.GotoAsync("/model?week=2026-47");

        Assert.Equal(400, response!.Status);
        Assert.Contains("not an ISO week", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "11-invalid-filter.png") });
        // The browser reports the document's own 400 status; nothing else may fail.
        Assert.All(errors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
    }
}
