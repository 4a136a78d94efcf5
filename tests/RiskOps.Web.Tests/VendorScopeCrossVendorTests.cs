using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>
/// Cases reviewed by two vendors: Northbridge first, then AtlasCX (re-assigned), some still open with AtlasCX. The vendor
/// filter keeps them in Northbridge's scope, and the tables that name a case's latest or final review would show AtlasCX
/// and its reviewers; a Northbridge-scoped user must never see either, on any page or CSV.
/// </summary>
public sealed partial class VendorScopeCrossVendorTests : IAsyncLifetime
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cross-vendor-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program> _factory = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(WebAppFixture.BaseSettings(_lake)).Build();
        var pipeline = IngestPipeline.Create(_lake, configuration);
        await DemoGenerator.RunAsync(pipeline, new DemoOptions(Cases: 600, Seed: 11, Weeks: 2, AsOf: WebAppFixture.AsOf, WithBadRecords: false), TimeProvider.System, null, CancellationToken.None);
        var files = Path.Combine(_lake, "..", Path.GetFileName(_lake) + "-files");
        Directory.CreateDirectory(files);
        var decisions = new StringBuilder("case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n");
        var reviews = new StringBuilder("review_id,case_id,reviewer_id,reviewer_org,vendor,reviewer_tier,assigned_at,resolved_at,decision,rationale\n");
        var labels = new StringBuilder("case_id,label,label_source,root_cause_type,root_cause_code,labeled_by,labeled_at\n");
        var audits = new StringBuilder("audit_id,review_id,auditor_id,audited_at,verdict,error_category\n");
        var start = new DateTimeOffset(2026, 11, 9, 8, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 60; i++)
        {
            var id = $"X-{i:D4}";
            var scored = start.AddMinutes(97 * i);
            var open = i % 5 == 0;
            if (open)
            {
                scored = new DateTimeOffset(2026, 11, 15, 20, 0, 0, TimeSpan.Zero).AddMinutes(i);
            }

            var block = i % 3 == 0;
            decisions.Append(CultureInfo.InvariantCulture, $"{id},ATO,{scored:yyyy-MM-ddTHH:mm:ssZ},m-x,{(block ? "block" : "pass")},0.55,0.80,manual,{(i % 2 == 0 ? 80 : 20)},cross-user-{i},new_device,EU\n");
            reviews.Append(CultureInfo.InvariantCulture, $"{id}-1,{id},northbridge.x01,BPO,Northbridge,agent,{scored.AddMinutes(5):yyyy-MM-ddTHH:mm:ssZ},{scored.AddMinutes(20):yyyy-MM-ddTHH:mm:ssZ},escalate,reassigned\n");
            var resolved = open ? "" : scored.AddMinutes(90).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var decision = open ? "" : block ? "pass" : "block";
            reviews.Append(CultureInfo.InvariantCulture, $"{id}-2,{id},atlascx.zz{i % 4},BPO,AtlasCX,senior,{scored.AddMinutes(25):yyyy-MM-ddTHH:mm:ssZ},{resolved},{decision},\n");
            if (!open)
            {
                labels.Append(CultureInfo.InvariantCulture, $"{id},{(block ? "FP" : "TN")},review,{(block ? "B" : "")},{(block ? "ATO.threshold" : "")},qa.lead,{scored.AddHours(3):yyyy-MM-ddTHH:mm:ssZ}\n");
                audits.Append(CultureInfo.InvariantCulture, $"QX-{i},{id}-2,qa.1,{scored.AddHours(4):yyyy-MM-ddTHH:mm:ssZ},{(i % 7 == 0 ? "incorrect" : "correct")},\n");
                audits.Append(CultureInfo.InvariantCulture, $"QY-{i},{id}-1,qa.1,{scored.AddHours(4):yyyy-MM-ddTHH:mm:ssZ},correct,\n");
            }
        }

        foreach (var (name, text, kind) in new[] { ("decisions_x.csv", decisions, RecordKind.Decisions), ("reviews_x.csv", reviews, RecordKind.Reviews), ("labels_x.csv", labels, RecordKind.Labels), ("qa_audits_x.csv", audits, RecordKind.QaAudits) })
        {
            var path = Path.Combine(files, name);
            await File.WriteAllTextAsync(path, text.ToString());
            var result = await pipeline.IngestFileAsync(path, kind, CancellationToken.None);
        }

        _factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Auth:Users:vera:PasswordHash"] = UserStore.HashPassword(WebAppFixture.Password),
            ["Auth:Users:vera:Roles"] = "lead",
            ["Auth:Users:vera:Vendor"] = "Northbridge",
        });
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
        Directory.Delete(Path.Combine(_lake, "..", Path.GetFileName(_lake) + "-files"), recursive: true);
    }

    [Fact]
    public async Task CasesAlsoReviewedByAnotherVendor_ScopedUser_NeverSeesThatVendorOrItsReviewers()
    {
        var vera = await WebAppFixture.LoginAsync(_factory, "vera", WebAppFixture.Password);
        var admin = await WebAppFixture.LoginAsync(_factory, "admin", WebAppFixture.AdminPassword);
        var query = $"{AsOf}&from=2026-W45&to=2026-W46";

        // The test has teeth: the unscoped view of the same filter names AtlasCX and its reviewers.
        var unscoped = new StringBuilder();
        foreach (var path in new[] { "/today", "/bpo", "/sla", "/model" })
        {
            unscoped.Append(WebUtility.HtmlDecode(await admin.GetStringAsync($"{path}?{query}&vendor=Northbridge")));
        }

        Assert.Contains("AtlasCX", unscoped.ToString(), StringComparison.Ordinal);
        Assert.Contains("atlascx.zz", unscoped.ToString(), StringComparison.Ordinal);

        var checkedCsv = 0;
        foreach (var page in DashboardPages.All.Where(p => p.Policy != Policies.Data && p.Key != "cluster"))
        {
            var html = WebUtility.HtmlDecode(await vera.GetStringAsync($"{page.Path}?{query}"));
            AssertClean(html, page.Path);
            foreach (Match link in CsvLink().Matches(html))
            {
                AssertClean(await vera.GetStringAsync(WebUtility.HtmlDecode(link.Groups[1].Value)), link.Groups[1].Value);
                checkedCsv++;
            }
        }

        var clusters = WebUtility.HtmlDecode(await vera.GetStringAsync($"/clusters?{query}"));
        foreach (Match link in ClusterLink().Matches(clusters))
        {
            var detail = WebUtility.HtmlDecode(link.Groups[1].Value);
            AssertClean(WebUtility.HtmlDecode(await vera.GetStringAsync(detail)), detail);
            AssertClean(await vera.GetStringAsync("/export/cluster/cases.csv" + detail[detail.IndexOf('?', StringComparison.Ordinal)..] + "&page=all"), detail + " CSV");
        }

        // The open cases last reviewed by AtlasCX are still on Northbridge's list, with the name replaced.
        var today = WebUtility.HtmlDecode(await vera.GetStringAsync($"/today?{AsOf}&size=200"));
        Assert.Contains("X-0000", today, StringComparison.Ordinal);
        Assert.Contains(VendorMask.Other, today, StringComparison.Ordinal);
        Assert.True(checkedCsv > 15, $"only {checkedCsv} CSVs checked");
    }

    private static void AssertClean(string text, string where)
    {
        foreach (var name in new[] { "AtlasCX", "atlascx.", "Keystone", "keystone." })
        {
            var at = text.IndexOf(name, StringComparison.OrdinalIgnoreCase);
            Assert.True(at < 0, $"{where} names {name}: …{(at < 0 ? "" : text.Substring(Math.Max(0, at - 150), Math.Min(300, text.Length - Math.Max(0, at - 150))))}…");
        }
    }

    [GeneratedRegex("href=\"(/export/[^\"]+\\.csv[^\"]*)\"")]
    private static partial Regex CsvLink();

    [GeneratedRegex("href=\"(/cluster\\?[^\"]+)\"")]
    private static partial Regex ClusterLink();
}
