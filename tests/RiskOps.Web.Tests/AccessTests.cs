using System.Net;

namespace RiskOps.Web.Tests;

[Collection(WebCollection.Name)]
public sealed class AccessTests(WebAppFixture app)
{
    public static TheoryData<string> DataPaths => new() { "/", "/model", "/calibration", "/clusters", "/sla", "/bpo", "/sop", "/data", "/export/overview/weekly.csv" };

    [Fact]
    public async Task Health_Anonymous_Returns200()
    {
        var response = await app.Anonymous().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ok", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DataPaths))]
    public async Task Page_Anonymous_RedirectsToLogin(string path)
    {
        var response = await app.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginPage_Anonymous_IsServedWithSecurityHeaders()
    {
        var response = await app.Anonymous().GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Login_WrongPassword_Returns401WithMessage()
    {
        var client = app.Anonymous();

        var response = await WebAppFixture.PostLoginAsync(client, "lena", "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong user name or password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithoutAntiForgeryToken_IsRejected()
    {
        var response = await app.Anonymous().PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "lena",
            ["Password"] = WebAppFixture.Password,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("riskops.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Login_FirstRunAdmin_UsesConfiguredPassword()
    {
        var client = await app.LoginAsync("admin");

        var response = await client.GetAsync("/data?as_of=2026-11-16T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_TooManyAttempts_Returns429()
    {
        var lake = Path.Combine(Path.GetTempPath(), "riskops-web-rate-" + Guid.NewGuid().ToString("N"));
        await using var factory = WebAppFixture.CreateFactory(lake, new Dictionary<string, string?> { ["Auth:LoginAttemptsPerMinute"] = "2" });
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var first = await WebAppFixture.PostLoginAsync(client, "lena", "wrong");
        var second = await WebAppFixture.PostLoginAsync(client, "lena", "wrong");
        var third = await WebAppFixture.PostLoginAsync(client, "lena", WebAppFixture.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        if (Directory.Exists(lake))
        {
            Directory.Delete(lake, recursive: true);
        }
    }

    [Fact]
    public async Task Logout_PostWithToken_EndsTheSession()
    {
        var client = await app.LoginAsync("lena");
        var page = await client.GetStringAsync("/sop?as_of=2026-11-16T00:00:00Z");

        var response = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(page),
        }));
        var after = await client.GetAsync("/sop");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lena")]
    [InlineData("max")]
    public async Task DataPage_RoleWithoutData_Returns403(string user)
    {
        var client = await app.LoginAsync(user);

        var response = await client.GetAsync("/data");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_Lead_ReturnsCsvNamedAfterScopeAndWeek()
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync("/export/overview/weekly.csv?case_type=ATO&week=2026-W45&as_of=2026-11-16T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("overview-weekly-ATO-2026-W45.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
    }

    [Fact]
    public async Task CsvExport_DataPageTable_LeadStillReturns403()
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync("/export/data/lake.csv");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ReportsPage_Lead_OpensWithFiltersPrefilled()
    {
        var client = await app.LoginAsync("lena");

        var html = await client.GetStringAsync("/reports?week=2026-W45&case_type=ATO");

        Assert.Contains("value=\"2026-W45\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ATO\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cut-off", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HangfireDashboard_Anonymous_IsRefused()
    {
        var response = await app.Anonymous().GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lena")]
    [InlineData("max")]
    [InlineData("dana")]
    public async Task HangfireDashboard_NonAdminFromLocalhost_Returns403(string user)
    {
        // The test server's requests count as local: Hangfire's default filter would let them in.
        var client = await app.LoginAsync(user);

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("Hangfire", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangfireDashboard_Admin_Returns200()
    {
        var client = await app.LoginAsync("admin");

        var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("RiskOps jobs", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navigation_Lead_HidesDataAndJobsLinks()
    {
        var client = await app.LoginAsync("lena");

        var html = await client.GetStringAsync("/sop?as_of=2026-11-16T00:00:00Z");

        Assert.DoesNotContain("href=\"/data", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/hangfire", html, StringComparison.Ordinal);
        // Leads export what they see and reach the packs; the Reports link keeps the filters.
        Assert.Contains(".csv", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/reports?as_of=2026-11-16T00%3A00%3A00Z\"", html, StringComparison.Ordinal);
    }
}
