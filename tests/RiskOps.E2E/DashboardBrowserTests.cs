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

    /// <summary>A team lead's password (user <c>lena</c>, role lead).</summary>
    public const string LeadPassword = "e2e-lead-password";

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
            $"--Auth:Users:lena:PasswordHash={RiskOps.Web.Auth.UserStore.HashPassword(LeadPassword)}",
            "--Auth:Users:lena:Roles=lead",
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
        ("/glossary", "Definitions", "12-glossary"),
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

    private static async Task LoginAsync(IPage page, string password, string user = "admin")
    {
        await page.GotoAsync("/?" + DashboardServer.AsOfQuery);
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=UserName]", user);
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

        // Follow a cluster drill-down, over all four demo weeks: under the v2 rule one week of 3,000 cases has too few
        // errors for a planted pattern to be significant.
        await page.GotoAsync("/clusters?from=2026-10-01&to=2026-11-15&" + DashboardServer.AsOfQuery);
        await page.ClickAsync("main table a[href^='/cluster?']");
        await page.WaitForURLAsync(url => url.Contains("/cluster?", StringComparison.Ordinal));
        Assert.Contains("cases", await page.InnerTextAsync("main h2:has-text('All ')"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#table-cases table tbody tr").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "05-cluster-drilldown.png"), FullPage = true });

        // Download a table as CSV.
        await page.GotoAsync("/sop?" + DashboardServer.AsOfQuery);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#table-coverage a.csv"));
        var csvPath = Path.Combine(Path.GetTempPath(), "riskops-e2e-" + Guid.NewGuid().ToString("N") + ".csv");
        await download.SaveAsAsync(csvPath);
        var lines = await File.ReadAllLinesAsync(csvPath);
        File.Delete(csvPath);
        Assert.Equal("sop-coverage-all-2026-W46.csv", download.SuggestedFilename);
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

    [Fact]
    public async Task WeeklyReview_DefaultWeekPickerAndComparison_KeepTrendContext()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.AdminPassword);

        // Default: the last complete UTC ISO week before the as-of (2026-11-16 is W47's Monday), compared with W45.
        await page.GotoAsync("/?" + DashboardServer.AsOfQuery);
        Assert.Contains("Period: 2026-W46 (2026-11-09 – 2026-11-15, UTC)", await page.InnerTextAsync("p.period"), StringComparison.Ordinal);
        Assert.Contains("compared with 2026-W45", await page.InnerTextAsync("p.intro"), StringComparison.Ordinal);
        var compare = await page.Locator(".card .compare").First.InnerTextAsync();
        Assert.StartsWith("2026-W45: ", compare, StringComparison.Ordinal);
        Assert.DoesNotContain("—", compare.Split('·')[0], StringComparison.Ordinal);
        Assert.Contains("n = ", await page.Locator(".card .n").First.InnerTextAsync(), StringComparison.Ordinal);

        // The current week is offered and marked in progress.
        var options = await page.Locator("select[name=week] option").AllInnerTextsAsync();
        Assert.Contains("2026-W47 (in progress)", options);
        Assert.Contains("last complete (2026-W46)", options);

        // Pick W45: its comparison with W44 and an 8-week trend stay (not blanked, not one point).
        await page.SelectOptionAsync("select[name=week]", "2026-W45");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForURLAsync(url => url.Contains("week=2026-W45", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        Assert.Contains("2026-W45", await page.InnerTextAsync("p.period"), StringComparison.Ordinal);
        Assert.StartsWith("2026-W44: ", await page.Locator(".card .compare").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("W38 – W45", await page.Locator(".card .spark-caption").First.InnerTextAsync());
        var weeklyRows = await page.Locator("#table-weekly tbody tr").CountAsync();
        Assert.True(weeklyRows >= 3, $"the weekly table kept {weeklyRows} weeks of context");
        Assert.True(await page.Locator(".narrative li").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "13-overview-week-W45.png"), FullPage = true });

        // The model page keeps its 8-week chart for a selected week too.
        await page.GotoAsync("/model?week=2026-W45&" + DashboardServer.AsOfQuery);
        Assert.Contains("8 weeks ending 2026-W45", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // Quick range: last 4 weeks.
        await page.GotoAsync("/?" + DashboardServer.AsOfQuery);
        await page.ClickAsync(".quick a:has-text('last 4 weeks')");
        await page.WaitForURLAsync(url => url.Contains("from=2026-W43", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        Assert.Contains("2026-10-19 – 2026-11-15", await page.InnerTextAsync("p.period"), StringComparison.Ordinal);
        // The week picker names the range, never "last complete", and the quick link is the active one.
        var picked = await page.EvalOnSelectorAsync<string>("select[name=week]", "s => s.options[s.selectedIndex].text");
        Assert.Equal("date range 2026-W43 – 2026-W46", picked);
        Assert.DoesNotContain("last complete", picked, StringComparison.Ordinal);
        Assert.Equal("active", await page.GetAttributeAsync(".quick a:has-text('last 4 weeks')", "class"));
        Assert.Null(await page.GetAttributeAsync(".quick a:has-text('last complete week')", "class"));

        // This week: marked in progress.
        await page.GotoAsync("/?week=2026-W47&" + DashboardServer.AsOfQuery);
        Assert.Contains("in progress", await page.InnerTextAsync("p.period"), StringComparison.Ordinal);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task TeamLead_ExportsCsvAndGeneratesAndDownloadsPack()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.LeadPassword, "lena");

        await page.GotoAsync("/sla?case_type=ATO&" + DashboardServer.AsOfQuery);
        var csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#table-by_case_type a.csv"));
        Assert.Equal("sla-by_case_type-ATO-2026-W46.csv", csv.SuggestedFilename);

        // The Reports link keeps the filters; the form is pre-filled with them.
        await page.ClickAsync("nav a[href^='/reports']");
        await page.WaitForURLAsync(url => url.Contains("/reports?", StringComparison.Ordinal) && url.Contains("case_type=ATO", StringComparison.Ordinal));
        Assert.Equal("ATO", await page.InputValueAsync("input[name=case_type]"));
        await page.FillAsync("input[name=Week]", "2026-W46");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForSelectorAsync("tr.highlight a");
        var pack = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("tr.highlight a"));
        Assert.StartsWith("riskops-pack-2026-W46-ATO-", pack.SuggestedFilename, StringComparison.Ordinal);
        var pdfPath = Path.Combine(server.Screenshots, "lead-pack.pdf");
        await pack.SaveAsAsync(pdfPath);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString((await File.ReadAllBytesAsync(pdfPath))[..4]));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "14-reports-lead.png"), FullPage = true });

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task UnknownFilter_ShowsMessageNotEmptyPage_KnownValueAnyCase_ShowsFigures()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.AdminPassword);

        // A region in no record of the lake: a message naming it and the lake's regions, never an empty page.
        var response = await page.GotoAsync("/model?region=atlantis&" + DashboardServer.AsOfQuery);
        Assert.Equal(400, response!.Status);
        var message = await page.InnerTextAsync("main .error .message");
        Assert.Contains("no record of the lake has region 'atlantis'", message, StringComparison.Ordinal);
        Assert.Contains("regions in the lake:", message, StringComparison.Ordinal);
        // The form still offers the lake's values to pick from.
        Assert.True(await page.Locator("datalist#regions option").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "12-unknown-filter.png"), FullPage = true });

        // A known value typed in another case is the lake's value: figures, not a message.
        var region = await page.Locator("datalist#regions option").First.GetAttributeAsync("value");
        response = await page.GotoAsync($"/model?region={Uri.EscapeDataString(region!.ToLowerInvariant())}&" + DashboardServer.AsOfQuery);
        Assert.Equal(200, response!.Status);
        Assert.Equal(0, await page.Locator("main .error").CountAsync());
        Assert.Contains($"regions {region.ToLowerInvariant()}", await page.InnerTextAsync("p.scope"), StringComparison.Ordinal);
        Assert.All(errors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClusterDrillDown_PagesThroughAllCases_RowsAndCsvEqualSupport()
    {
        var (context, page, errors) = await OpenAsync();
        await using var _ = context;
        await LoginAsync(page, DashboardServer.AdminPassword);

        // The biggest cluster over the four demo weeks, 5 cases per page so it takes several pages.
        await page.GotoAsync("/clusters?from=2026-10-01&to=2026-11-15&" + DashboardServer.AsOfQuery);
        var link = page.Locator("main table a[href^='/cluster?']").First;
        var support = int.Parse(await link.Locator("xpath=ancestor::tr/td[5]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        var href = await link.GetAttributeAsync("href");
        await page.GotoAsync(href + "&size=5");
        var rows = 0;
        var pages = 0;
        while (true)
        {
            pages++;
            rows += await page.Locator("#table-cases table tbody tr").CountAsync();
            if (pages == 1)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "06-cluster-cases-paged.png"), FullPage = true });

                // The wide case table (13 columns) scrolls sideways inside its box; the page itself never scrolls sideways,
                // also in a narrow window.
                Assert.Equal(13, await page.Locator("#table-cases table thead th").CountAsync());
                foreach (var width in new[] { 1400, 900 })
                {
                    await page.SetViewportSizeAsync(width, 900);
                    var sizes = await page.EvaluateAsync<int[]>(
                        "() => { const b = document.querySelector('#table-cases'); return [document.documentElement.scrollWidth, window.innerWidth, b.scrollWidth, b.clientWidth]; }");
                    var (pageWidth, viewport, boxScroll, boxClient) = (sizes[0], sizes[1], sizes[2], sizes[3]);
                    Assert.True(pageWidth <= viewport, $"page {pageWidth} px wide in a {viewport} px window");
                    Assert.True(boxClient <= viewport, $"table box {boxClient} px in a {viewport} px window");
                    Assert.Equal("auto", await page.EvalOnSelectorAsync<string>("#table-cases", "b => getComputedStyle(b).overflowX"));
                    if (width == 900)
                    {
                        Assert.True(boxScroll > boxClient, $"the 13 columns ({boxScroll} px) scroll inside the {boxClient} px box");
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "06-cluster-cases-narrow.png"), FullPage = true });
                    }
                }

                await page.SetViewportSizeAsync(1400, 900);
            }

            var next = page.Locator("#table-pages a:text-is('next')");
            if (await next.CountAsync() == 0)
            {
                break;
            }

            await next.ClickAsync();
            await page.WaitForLoadStateAsync();
            Assert.True(pages < 100, "the pager never ends");
        }

        Assert.True(support >= 5);
        Assert.Equal((support + 4) / 5, pages);
        Assert.Equal(support, rows);

        // The CSV of all of them.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#table-pages a:has-text('CSV of all')"));
        var csvPath = Path.Combine(Path.GetTempPath(), "riskops-e2e-" + Guid.NewGuid().ToString("N") + ".csv");
        await download.SaveAsAsync(csvPath);
        var lines = (await File.ReadAllLinesAsync(csvPath)).Where(l => l.Length > 0).ToList();
        File.Delete(csvPath);
        Assert.StartsWith("case_id,scored_at,week,model_version,region,confidence,label,root_cause_type,root_cause_code,annotation,labeled_by,reviewer,vendor", lines[0], StringComparison.Ordinal);
        Assert.Equal(support, lines.Count - 1);

        // A quick link on the drill-down keeps the cluster: another period is a page, not a 404.
        var quick = await page.GetAttributeAsync(".quick a:has-text('last 4 weeks')", "href");
        Assert.Contains("cluster=", quick, StringComparison.Ordinal);
        var response = await page.GotoAsync(quick!);
        Assert.Equal(200, response!.Status);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
