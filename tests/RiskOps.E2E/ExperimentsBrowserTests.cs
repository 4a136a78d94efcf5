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

/// <summary>
/// A team lead's decision walk over the default demo: the Experiments page gives the two demo experiments their verdicts,
/// then the Calibration page's what-if form projects a proposed threshold — typed into the form and submitted in the
/// browser — and the figures shown are the warehouse's projection; a bad proposal is a message on the page.
/// </summary>
public sealed class DecisionWalkBrowserTests(ExperimentsServer server) : IClassFixture<ExperimentsServer>
{
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    [Fact]
    public async Task ExperimentsThenWhatIf_VerdictsAndProjectionEqualTheWarehouse_BadProposalIsAMessage()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseUrl, ViewportSize = new() { Width = 1400, Height = 900 } });
        await using var _ = context;
        var page = await context.NewPageAsync();
        page.SetDefaultNavigationTimeout(120_000);
        page.SetDefaultTimeout(120_000);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{page.Url}: {message.Text}");
            }
        };
        await page.GotoAsync("/?" + ExperimentsServer.AsOfQuery);
        await page.FillAsync("input[name=UserName]", "admin");
        await page.FillAsync("input[name=Password]", ExperimentsServer.AdminPassword);
        await page.ClickAsync("form button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));

        // 1. Experiments: the worse treatment is rolled back, the better one shipped.
        await page.ClickAsync("nav a[href^='/experiments']");
        await page.WaitForURLAsync(url => url.Contains("/experiments", StringComparison.Ordinal));
        var verdicts = await page.Locator("main h2").AllInnerTextsAsync();
        Assert.Contains(verdicts, h => h.StartsWith("reset2fa-threshold-2026-11 — RESET_2FA — treatment: rollback", StringComparison.Ordinal));
        Assert.Contains(verdicts, h => h.StartsWith("poa-model-2026-11 — POA_REVIEW — treatment: ship", StringComparison.Ordinal));

        // 2. Calibration: propose ATO at 0.95 over 3 weeks in the form (the navigation keeps the as-of).
        await page.ClickAsync("nav a[href^='/calibration']");
        await page.WaitForURLAsync(url => url.Contains("/calibration", StringComparison.Ordinal));
        var form = page.Locator("#form-whatif");
        Assert.Equal("No proposal yet: enter a threshold above.", (await page.InnerTextAsync("#table-what_if .empty")).Trim());
        Assert.Equal("0.90", await form.Locator("input[name=propose_ATO]").GetAttributeAsync("placeholder"));
        await form.Locator("input[name=whatif_weeks]").FillAsync("3");
        await form.Locator("input[name=propose_ATO]").FillAsync("0.95");
        var response = await SubmitAsync(page, form);
        Assert.Equal(200, response.Status);
        Assert.Contains("propose_ATO=0.95", page.Url, StringComparison.Ordinal);
        Assert.Contains("as_of=", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "16-calibration-what-if.png"), FullPage = true });
        Assert.Equal(0, await page.Locator("#form-whatif .form-error").CountAsync());
        Assert.Contains("What-if: a proposed threshold over the last 3 weeks", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        RiskOps.Sql.WhatIf.WhatIfReport expected;
        using (var warehouse = RiskOps.Sql.Warehouse.Open(server.Lake))
        {
            // The page's week is the last complete one at the as-of (Monday 2026-11-23): 2026-W47.
            expected = warehouse.GetWhatIf(RiskOps.Sql.Model.MetricFilters.None, [new RiskOps.Sql.WhatIf.WhatIfProposal("ATO", 0.95)], 3, "2026-W47");
        }

        var ato = expected.ByCaseType.Single(c => c.CaseType == "ATO");
        Assert.Equal(["2026-W45", "2026-W46", "2026-W47"], expected.WindowWeeks);
        var keys = await page.Locator("#table-what_if thead th").EvaluateAllAsync<string[]>("ths => ths.map(th => th.dataset.key)");
        var rows = page.Locator("#table-what_if tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        foreach (var (index, scenario, figures) in new[] { (0, "current", ato.Current!), (1, "proposed", ato.Proposed!) })
        {
            var cells = (await rows.Nth(index).Locator("td").AllInnerTextsAsync()).Select(c => c.Trim()).ToList();
            string Cell(string key) => cells[Array.IndexOf(keys, key)];
            Assert.Equal("ATO", Cell("case_type"));
            Assert.Equal(scenario, Cell("scenario"));
            Assert.StartsWith(figures.Threshold.ToString("F2", Inv), Cell("threshold"), StringComparison.Ordinal);
            AssertRatio(Cell("precision"), figures.Precision, figures.PrecisionCiLow, figures.PrecisionCiHigh, figures.PrecisionN);
            AssertRatio(Cell("recall"), figures.Recall, figures.RecallCiLow, figures.RecallCiHigh, figures.RecallN);
            AssertRatio(Cell("automation_rate"), figures.AutomationRate, figures.AutomationRateCiLow, figures.AutomationRateCiHigh, figures.AutomationRateN);
            Assert.Equal(Range(figures.ManualCasesPerDay, figures.ManualCasesPerDayCiLow, figures.ManualCasesPerDayCiHigh), Cell("manual_cases_per_day"));
            Assert.Equal(Range(figures.ReviewerHoursPerDay, figures.ReviewerHoursPerDayCiLow, figures.ReviewerHoursPerDayCiHigh), Cell("reviewer_hours_per_day"));
            Assert.Equal(figures.MeetsTargets ? "met" : "not met", Cell("targets"));
        }

        // A higher threshold sends more ATO cases to people: the projection moved, it is not the current figure twice.
        Assert.True(ato.Proposed!.ManualCasesPerDay > ato.Current!.ManualCasesPerDay);

        // 3. A bad proposal: the same page answers 200 with the message beside the form, and keeps what was typed.
        form = page.Locator("#form-whatif");
        await form.Locator("input[name=propose_ATO]").FillAsync("1.5");
        response = await SubmitAsync(page, form);
        Assert.Equal(200, response.Status);
        Assert.Equal("Calibration & thresholds", (await page.InnerTextAsync("main h1")).Trim());
        var alert = (await page.InnerTextAsync("#form-whatif .form-error[role=alert]")).Trim();
        Assert.Contains("outside [0, 1]", alert, StringComparison.Ordinal);
        Assert.Equal("1.5", await page.Locator("#form-whatif input[name=propose_ATO]").InputValueAsync());
        Assert.Equal("No proposal yet: enter a threshold above.", (await page.InnerTextAsync("#table-what_if .empty")).Trim());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(server.Screenshots, "17-calibration-what-if-error.png"), FullPage = true });

        form = page.Locator("#form-whatif");
        await form.Locator("input[name=propose_ATO]").FillAsync("abc");
        response = await SubmitAsync(page, form);
        Assert.Equal(200, response.Status);
        Assert.Contains("is not a number", await page.InnerTextAsync("#form-whatif .form-error"), StringComparison.Ordinal);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    /// <summary>Presses the form's button and waits for the page it navigates to; the answer of that navigation.</summary>
    private static async Task<IResponse> SubmitAsync(IPage page, ILocator form)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => form.Locator("button[type=submit]").ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Url.Contains("/calibration?", StringComparison.Ordinal));
        await page.WaitForLoadStateAsync(LoadState.Load);
        return response;
    }

    private static void AssertRatio(string cell, double? value, double? low, double? high, long n)
    {
        Assert.NotNull(value);
        var text = $"{(value!.Value * 100).ToString("0.0", Inv)} % [{(low!.Value * 100).ToString("0.0", Inv)}–{(high!.Value * 100).ToString("0.0", Inv)}]";
        Assert.StartsWith(text, cell, StringComparison.Ordinal);
        Assert.Matches($@"n (< 30 \()?{n}\)?$", cell);
    }

    private static string Range(double? value, double? low, double? high) =>
        $"{value!.Value.ToString("F1", Inv)} [{low!.Value.ToString("F1", Inv)}–{high!.Value.ToString("F1", Inv)}]";
}
