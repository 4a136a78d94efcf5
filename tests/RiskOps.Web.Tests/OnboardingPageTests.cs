using System.Net;
using RiskOps.Reports.Kpis;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Sql.Onboarding;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>
/// The BPO quality page's onboarding curves (issue 16 item 4): one section per vendor and in-house whose tables (their CSV,
/// which is exactly the page's rows) equal <see cref="Warehouse.GetOnboarding"/> for the page's filters, the calibration
/// list and its count, and a broken filter answered with the reason.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class OnboardingPageTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";

    /// <summary>Without a period filter the page reviews the last complete week before the as-of.</summary>
    private static readonly MetricFilters ReviewWeek = new() { Weeks = ["2026-W46"] };

    private OnboardingReport Expected(MetricFilters filters)
    {
        using var warehouse = Warehouse.Open(app.Lake);
        return warehouse.GetOnboarding(filters, KpiCatalogue.DecisionAccuracy.Target!.Goal, Kpi.MinimumN);
    }

    private static string Id(OnboardingRow row) => (row.Vendor ?? row.Org ?? "none").ToLowerInvariant();

    private static string[] Row(OnboardingRow r, string label) =>
    [
        label, Format.Count(r.Reviewers), Format.Count(r.Reviews), Format.Count(r.QaAudits),
        Format.PctCi(r.DecisionAccuracy, r.DecisionAccuracyLow, r.DecisionAccuracyHigh),
        Format.Count(r.OverturnedLabeled), KpiCatalogue.HumanRightWhenOverturned.Show(r.HumanRightRate, Format.None),
        Format.Count(r.DecisionAccuracyN), Format.Count(r.HumanRightRateN),
    ];

    private static async Task AssertTablesEqualAsync(HttpClient client, string query, OnboardingReport expected)
    {
        foreach (var (dimension, rows, label) in new[] { ("weeks", expected.ByWeeks, "week "), ("reviews", expected.ByReviews, "reviews ") })
        {
            foreach (var group in rows.GroupBy(Id))
            {
                var csv = CsvText.Parse(await client.GetStringAsync($"/export/bpo/onboarding_{dimension}_{group.Key}.csv?{query}"));
                Assert.Equal(
                    [dimension == "weeks" ? "tenure_weeks" : "tenure_reviews", "reviewers", "reviews", "qa_audits", "decision_accuracy_ci", "overturned_labeled", "overturn_correctness", "decision_accuracy_ci_n", "overturn_correctness_n"],
                    csv[0]);
                Assert.Equal(group.OrderBy(r => r.BucketOrder).Select(r => Row(r, label + r.Bucket)), csv.Skip(1));
            }
        }
    }

    [Fact]
    public async Task BpoPage_Onboarding_SectionsAndFiguresEqualGetOnboarding()
    {
        var expected = Expected(ReviewWeek);
        Assert.NotEmpty(expected.ByWeeks);
        Assert.NotEmpty(expected.Reviewers);

        var client = await app.LoginAsync("lena");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/bpo?{AsOf}"));
        Artifacts.Save("bpo-onboarding.html", html);

        foreach (var vendor in Etl.Demo.DemoScenario.Vendors)
        {
            Assert.Contains($"Onboarding curve — {vendor} — 2026-W46", html, StringComparison.Ordinal);
        }

        Assert.Contains("Onboarding curve — In-house — 2026-W46", html, StringComparison.Ordinal);
        Assert.Contains("For calibration — 2026-W46", html, StringComparison.Ordinal);
        var enough = expected.Reviewers.Count(r => r.QaAudits >= expected.MinAudits);
        Assert.Contains($"{Format.Count(expected.Calibration.Count)} of {Format.Count(enough)} reviewers with enough audits", html, StringComparison.Ordinal);
        await AssertTablesEqualAsync(client, AsOf, expected);

        var listed = CsvText.Parse(await client.GetStringAsync($"/export/bpo/onboarding_calibration.csv?{AsOf}"));
        Assert.Equal(["reviewer", "org", "vendor", "qa_audits", "correct", "decision_accuracy_ci", "reviews_total", "weeks_active"], listed[0].Take(8));
        Assert.Equal(expected.Calibration.Select(r => r.ReviewerId), listed.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task BpoPage_OnboardingOverAPeriod_EqualsGetOnboarding()
    {
        // Four weeks hold enough history to reach later tenure buckets than one week does.
        var expected = Expected(new MetricFilters { From = new DateOnly(2026, 10, 19), To = new DateOnly(2026, 11, 15), CaseTypes = ["ATO", "KYC_AUDIT"] });
        Assert.Contains(expected.ByWeeks, r => r.BucketOrder > 1);

        var client = await app.LoginAsync("dana");
        await AssertTablesEqualAsync(client, $"from=2026-10-19&to=2026-11-15&case_type=ATO&case_type=KYC_AUDIT&{AsOf}", expected);
    }

    [Fact]
    public async Task BpoPage_OnboardingVendorFilter_OnlyThatVendorEqualToTheFilteredCall()
    {
        var expected = Expected(ReviewWeek with { Vendors = ["keystone"] });
        Assert.All(expected.ByWeeks.Concat(expected.ByReviews), r => Assert.Equal("Keystone", r.Vendor));

        var client = await app.LoginAsync("lena");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/bpo?vendor=keystone&{AsOf}"));

        Assert.Contains("Onboarding curve — Keystone — 2026-W46", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Onboarding curve — AtlasCX", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Onboarding curve — In-house", html, StringComparison.Ordinal);
        await AssertTablesEqualAsync(client, $"vendor=keystone&{AsOf}", expected);
    }

    [Theory]
    [InlineData("vendor=nobody-bpo", "no record of the lake has vendor 'nobody-bpo' (vendors in the lake: ")]
    [InlineData("week=2026-W60", "2026-W60")]
    [InlineData("from=2026-11-10&to=2026-11-01", "is after")]
    [InlineData("case_type=FRAUD", "FRAUD")]
    public async Task BpoPage_BrokenFilter_400WithTheReasonOnPageAndCsv(string query, string message)
    {
        var client = await app.LoginAsync("lena");

        var page = await client.GetAsync($"/bpo?{query}&{AsOf}");
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        var csv = await client.GetAsync($"/export/bpo/onboarding_weeks_keystone.csv?{query}&{AsOf}");
        var text = await csv.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("Invalid filter", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Onboarding curve", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.StartsWith("error: ", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }
}
