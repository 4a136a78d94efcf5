using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using RiskOps.Reports.Alerts;
using RiskOps.Web.Audit;

namespace RiskOps.Web.Tests;

/// <summary>The Alerts page, the alert history and the audit log, on a host over an empty lake of its own.</summary>
public sealed class AlertPagesTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-alert-pages-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        _factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?> { ["Alerts:Cron"] = "" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
    }

    private AlertStore Store => new(_lake);

    private FileAuditLog Audit => new(_lake);

    private Task<HttpClient> Admin() => WebAppFixture.LoginAsync(_factory, "admin", WebAppFixture.AdminPassword);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields, string page = "/alerts")
    {
        var html = await client.GetStringAsync(page);
        fields["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(html);
        if (!fields.ContainsKey("Version"))
        {
            fields["Version"] = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"Version\" value=\"([^\"]*)\"").Groups[1].Value);
        }

        return await client.PostAsync($"/alerts?handler={handler}", new FormUrlEncodedContent(fields));
    }

    private static Dictionary<string, string> SlaRule(string id, string maxBreaches = "5") => new()
    {
        ["Form.Id"] = id,
        ["Form.Kind"] = AlertKinds.SlaBreaches,
        ["Form.Enabled"] = "true",
        ["Form.MaxBreaches"] = maxBreaches,
        ["Form.WindowMinutes"] = "60",
        ["Form.WindowDays"] = "7",
        ["Form.Recipients"] = "ops@example.com",
    };

    [Theory]
    [InlineData("lena")]
    [InlineData("max")]
    [InlineData("dana")]
    public async Task AdminPages_NonAdmin_Forbidden(string user)
    {
        var client = await WebAppFixture.LoginAsync(_factory, user, WebAppFixture.Password);

        foreach (var path in new[] { "/alerts", "/alerts/history", "/alerts/history.csv", "/audit" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(path)).StatusCode);
        }

        var post = await client.PostAsync("/alerts?handler=Save", new FormUrlEncodedContent(SlaRule("x")));
        Assert.True(post.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest, post.StatusCode.ToString());
        Assert.DoesNotContain("href=\"/alerts\"", await client.GetStringAsync("/glossary"), StringComparison.Ordinal);
        Assert.False(File.Exists(Store.RulesPath));
    }

    [Fact]
    public async Task SaveRule_Valid_WrittenListedAndAudited()
    {
        var client = await Admin();

        var response = await PostAsync(client, "Save", SlaRule("sla-burst"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var rules = Store.ReadRules()!;
        var rule = Assert.Single(rules);
        Assert.Equal(("sla-burst", AlertKinds.SlaBreaches, 5L, true), (rule.Id, rule.Kind, rule.MaxBreaches!.Value, rule.Enabled));
        Assert.Equal(["ops@example.com"], rule.Recipients);
        Assert.Empty(AlertRuleValidator.Validate(rules));
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/alerts"));
        Assert.Contains("Rule sla-burst added", html, StringComparison.Ordinal);
        Assert.Contains("more than 5 breaches in 60 min", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/alerts\"", html, StringComparison.Ordinal);
        var entry = Assert.Single(Audit.Newest(0, 10), e => e.Action == AuditActions.AlertRuleSave);
        Assert.Equal(("admin", "sla-burst"), (entry.Actor, entry.Target));
    }

    [Theory]
    [InlineData("Form.MaxBreaches", "", "MaxBreaches is required for sla_breaches")]
    [InlineData("Form.MaxBreaches", "lots", "MaxBreaches 'lots' is not a whole number")]
    [InlineData("Form.Id", "bad id!", "must be 1-64 letters")]
    [InlineData("Form.Kind", "sometimes", "Kind 'sometimes' is not one of")]
    [InlineData("Form.Recipients", "ops@@example..com", "Recipients 'ops@@example..com' is not an email address")]
    [InlineData("Form.WindowMinutes", "0", "WindowMinutes must be 1-10080")]
    public async Task SaveRule_Broken_MessageAndNothingSaved(string field, string value, string message)
    {
        var client = await Admin();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", SlaRule("keep-me"))).StatusCode);
        var before = File.ReadAllBytes(Store.RulesPath);
        var form = SlaRule("second");
        form[field] = value;

        var response = await PostAsync(client, "Save", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved.", html, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Store.RulesPath));
        Assert.Single(Audit.Newest(0, 10), e => e.Action == AuditActions.AlertRuleSave);
    }

    [Fact]
    public async Task SaveRule_KpiRules_SameValidationAsConfiguration()
    {
        var client = await Admin();
        var form = new Dictionary<string, string>
        {
            ["Form.Id"] = "f1-fall", ["Form.Kind"] = AlertKinds.KpiBelowTarget, ["Form.Kpi"] = "f1", ["Form.Target"] = "0.9",
            ["Form.RequireSignificantFall"] = "true", ["Form.WindowDays"] = "7", ["Form.WindowMinutes"] = "60",
        };

        var response = await PostAsync(client, "Save", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var expected = AlertRuleValidator.Validate([new AlertRule { Id = "f1-fall", Kind = AlertKinds.KpiBelowTarget, Kpi = "f1", Target = 0.9 }], "x");
        Assert.NotEmpty(expected);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.All(expected, e => Assert.Contains(e[(e.IndexOf(":Kpi", StringComparison.Ordinal) + 1)..], html, StringComparison.Ordinal));
        Assert.False(File.Exists(Store.RulesPath));

        form["Form.RequireSignificantFall"] = "false";
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", form)).StatusCode);
        Assert.Equal(0.9, Assert.Single(Store.ReadRules()!).Target);
    }

    [Fact]
    public async Task SaveRule_WithoutAntiforgeryToken_RefusedNothingSaved()
    {
        var client = await Admin();
        await client.GetStringAsync("/alerts");

        var response = await client.PostAsync("/alerts?handler=Save", new FormUrlEncodedContent(SlaRule("no-token")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(File.Exists(Store.RulesPath));
    }

    [Fact]
    public async Task EditToggleDelete_Admin_EachSavedAndAudited()
    {
        var client = await Admin();
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", SlaRule("a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", SlaRule("b"))).StatusCode);

        var edit = SlaRule("a", "9");
        edit["OriginalId"] = "a";
        Assert.Contains("value=\"5\"", await client.GetStringAsync("/alerts?edit=a"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", edit, "/alerts?edit=a")).StatusCode);
        Assert.Equal([("a", 9L), ("b", 5L)], Store.ReadRules()!.Select(r => (r.Id, r.MaxBreaches!.Value)));

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Toggle", new() { ["RuleId"] = "b" })).StatusCode);
        Assert.False(Store.ReadRules()!.Single(r => r.Id == "b").Enabled);
        Assert.Contains(">Enable</button>", await client.GetStringAsync("/alerts"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Delete", new() { ["RuleId"] = "a" })).StatusCode);
        Assert.Equal(["b"], Store.ReadRules()!.Select(r => r.Id));

        Assert.Equal(
            [AuditActions.AlertRuleDelete, AuditActions.AlertRuleToggle, AuditActions.AlertRuleSave, AuditActions.AlertRuleSave, AuditActions.AlertRuleSave],
            Audit.Newest(0, 10).Select(e => e.Action));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/alerts?edit=nope")).StatusCode);
    }

    [Fact]
    public async Task Save_RulesChangedSinceOpened_ConflictNothingSaved()
    {
        var client = await Admin();
        var html = await client.GetStringAsync("/alerts");
        var token = WebAppFixture.AntiForgeryToken(html);
        var staleVersion = System.Text.RegularExpressions.Regex.Match(html, "name=\"Version\" value=\"([^\"]*)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Save", SlaRule("first"))).StatusCode);

        var form = SlaRule("second");
        form["__RequestVerificationToken"] = token;
        form["Version"] = staleVersion;
        var response = await client.PostAsync("/alerts?handler=Save", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("another admin saved", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["first"], Store.ReadRules()!.Select(r => r.Id));
    }

    [Fact]
    public async Task History_ManyEntries_NewestFirstPagedCsvDefusedAndAudited()
    {
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        Store.Append(Enumerable.Range(0, 250).Select(i => new AlertHistoryEntry(
            start.AddMinutes(i), i % 3 == 0 ? "fired" : i % 3 == 1 ? "resolved" : "delivered", "rule-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture),
            Subject: "ATO", Summary: i == 249 ? "=HYPERLINK(\"http://x\")" : "precision 90 %", Channel: i % 3 == 2 ? "webhook" : null)));
        var client = await Admin();

        var first = WebUtility.HtmlDecode(await client.GetStringAsync("/alerts/history"));
        var third = WebUtility.HtmlDecode(await client.GetStringAsync("/alerts/history?page=3"));
        var beyond = WebUtility.HtmlDecode(await client.GetStringAsync("/alerts/history?page=99"));

        Assert.Contains("250 entries", first, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 3, 100 entries per page", first, StringComparison.Ordinal);
        Assert.True(first.IndexOf("rule-249", StringComparison.Ordinal) < first.IndexOf("rule-248", StringComparison.Ordinal));
        Assert.DoesNotContain("rule-149", first, StringComparison.Ordinal);
        Assert.Contains("rule-150", first, StringComparison.Ordinal);
        Assert.Contains("rule-049", third, StringComparison.Ordinal);
        Assert.Contains("rule-000", third, StringComparison.Ordinal);
        Assert.DoesNotContain("rule-050", third, StringComparison.Ordinal);
        Assert.Contains("Page 3 of 3", beyond, StringComparison.Ordinal);

        var response = await client.GetAsync("/alerts/history.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var rows = CsvText.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(AlertHistoryExport_Columns, rows[0]);
        Assert.Equal(251, rows.Count);
        Assert.Equal(("rule-249", "'=HYPERLINK(\"http://x\")"), (rows[1][2], rows[1][5]));
        Assert.Equal("rule-000", rows[^1][2]);
        var audit = Assert.Single(Audit.Newest(0, 10), e => e.Action == AuditActions.ExportCsv);
        Assert.Equal(("admin", "/alerts/history.csv (alert-history.csv)"), (audit.Actor, audit.Target));
    }

    private static readonly string[] AlertHistoryExport_Columns = ["time_utc", "event", "rule_id", "subject", "breach_id", "summary", "channel", "target", "attempt", "error"];

    [Fact]
    public async Task AuditPage_Admin_NewestFirstBoundedAndNeverHoldsData()
    {
        var log = Audit;
        var t0 = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 130; i++)
        {
            log.Record(new AuditEntry(t0.AddSeconds(i), "lena", AuditActions.ExportCsv, "/export/sla/by_vendor.csv", "?week=2026-W46&n=" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var client = await Admin();
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/audit"));
        var second = WebUtility.HtmlDecode(await client.GetStringAsync("/audit?page=2"));

        Assert.Contains("130 entries", html, StringComparison.Ordinal);
        Assert.Contains("n=129", html, StringComparison.Ordinal);
        Assert.DoesNotContain("n=29<", html, StringComparison.Ordinal);
        Assert.Contains("n=29<", second, StringComparison.Ordinal);
        Assert.Contains("Page 1 of 2", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/audit\"", html, StringComparison.Ordinal);
        // The file sits outside every raw glob, beside the other derived folders.
        Assert.Equal(Path.Combine(_lake, "_audit", "audit.jsonl"), log.Path);
        var line = JsonDocument.Parse(File.ReadLines(log.Path).First()).RootElement;
        Assert.Equal(["time", "actor", "action", "target", "detail"], line.EnumerateObject().Select(p => p.Name));
    }
}
