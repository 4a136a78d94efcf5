using System.Net;
using System.Text.RegularExpressions;
using RiskOps.Reports.Kpis;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

[Collection(WebCollection.Name)]
public sealed partial class DashboardPagesTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";

    /// <summary>Pages without a period filter review the last complete week before the as-of (2026-11-16 is W47's Monday).</summary>
    private static readonly MetricFilters ReviewWeek = new() { Weeks = ["2026-W46"] };

    public static TheoryData<string, string> Pages => new()
    {
        { "/", "Overview" },
        { "/model", "Model quality" },
        { "/calibration", "Calibration &amp; thresholds" },
        { "/clusters", "FP/FN patterns" },
        { "/sla", "SLA" },
        { "/bpo", "BPO quality" },
        { "/sop", "SOP coverage" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_Lead_RendersTitleTablesAndCharts(string path, string title)
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync($"{path}?{AsOf}");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Artifacts.Save((path.Trim('/') is { Length: > 0 } name ? name : "overview") + ".html", html);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<h1>{WebUtility.HtmlDecode(title)}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<table>", html, StringComparison.Ordinal);
        if (path is not "/sop" and not "/clusters")
        {
            Assert.Contains("data:image/svg+xml;base64,", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DataPage_DataRole_ShowsLakeQuarantineAndJobs()
    {
        var client = await app.LoginAsync("dana");

        var html = await client.GetStringAsync($"/data?{AsOf}");

        Assert.Contains("Lake freshness", html, StringComparison.Ordinal);
        var lake = CsvText.Parse(await client.GetStringAsync($"/export/data/lake.csv?{AsOf}"));
        Assert.Equal(["decisions", "reviews", "labels", "qa_audits", "sop_coverage"], lake.Skip(1).Select(r => r[0]));
        Assert.All(lake.Skip(1), r => Assert.True(long.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture) > 0));

        // The demo's deliberately broken records are listed with their reasons.
        Assert.DoesNotContain("Nothing in quarantine.", html, StringComparison.Ordinal);
        Assert.Contains("Recurring jobs", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("week=2026-47", "week '2026-47' is not an ISO week")]
    [InlineData("week=2026-W54", "week '2026-W54' is not an ISO week")]
    [InlineData("from=2026-11-10&to=2026-11-01", "is after")]
    [InlineData("from=yesterday", "from 'yesterday' is not a date")]
    [InlineData("as_of=soon", "as_of 'soon' is not a timestamp")]
    [InlineData("case_type=NOT_A_TYPE", "NOT_A_TYPE")]
    [InlineData("region=atlantis", "no record of the lake has region 'atlantis' (regions in the lake: ")]
    [InlineData("vendor=nobody-bpo", "no record of the lake has vendor 'nobody-bpo'")]
    [InlineData("model_version=3.2", "no record of the lake has model version '3.2'")]
    public async Task Page_InvalidFilter_Returns400WithMessage(string query, string message)
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync("/model?" + query);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid filter", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_Returns404()
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Overview_Figures_EqualWarehouseForSameFilters()
    {
        var filters = ReviewWeek with { CaseTypes = ["ATO"] };
        MetricsReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetMetrics(filters, WarehouseAsOf);
        }

        var client = await app.LoginAsync("dana");
        var csv = await client.GetStringAsync($"/export/overview/by_case_type.csv?case_type=ATO&{AsOf}");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/?case_type=ATO&{AsOf}"));

        var rows = CsvText.Parse(csv);
        Assert.Equal(["case_type", "decisions", "precision", "recall", "automation_rate", "sla_compliance", "decision_accuracy", "key_user_escalation", "sop_coverage"], rows[0].Take(9));
        var ato = rows.Single(r => r[0] == "ATO");
        var slice = expected.ByCaseType.Single(m => m.CaseType == "ATO");
        Assert.True(slice.Decisions > 0);
        Assert.Equal(Format.Count(slice.Decisions), ato[1]);
        Assert.Equal(KpiCatalogue.Precision.Show(slice.Precision, Format.None), ato[2]);
        Assert.Equal(KpiCatalogue.Recall.Show(slice.Recall, Format.None), ato[3]);
        Assert.Equal(KpiCatalogue.Automation.Show(slice.AutomationRate, Format.None), ato[4]);
        Assert.Equal(KpiCatalogue.Sla.Show(slice.SlaCompliance, Format.None), ato[5]);
        // The n of each ratio follows in its own column (precision n = TP + FP).
        Assert.Equal(Format.Count(slice.Tp + slice.Fp), ato[rows[0].ToList().IndexOf("precision_n")]);

        // The cards show the week under review (the last complete week) with its n.
        Assert.Contains("Period: 2026-W46 (2026-11-09 – 2026-11-15, UTC)", html, StringComparison.Ordinal);
        Assert.Contains("compared with 2026-W45", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"value\">{KpiCatalogue.Precision.Show(expected.Overall.Precision, Format.None)}</div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"value\">{KpiCatalogue.Recall.Show(expected.Overall.Recall, Format.None)}</div>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelPage_ConfusionCounts_EqualWarehouse()
    {
        MetricsReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetMetrics(ReviewWeek, WarehouseAsOf);
        }

        var client = await app.LoginAsync("dana");
        var csv = await client.GetStringAsync($"/export/model/by_case_type.csv?{AsOf}");

        var all = CsvText.Parse(csv).Single(r => r[0] == "all");
        Assert.True(expected.Overall.Tp + expected.Overall.Fp + expected.Overall.Tn + expected.Overall.Fn > 0);
        Assert.Equal([expected.Overall.Tp, expected.Overall.Fp, expected.Overall.Tn, expected.Overall.Fn], all[1..5].Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task CalibrationPage_Recommendations_EqualWarehouseThresholds()
    {
        ThresholdReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetThresholds(ReviewWeek);
        }

        var client = await app.LoginAsync("dana");
        var csv = await client.GetStringAsync($"/export/calibration/recommendations.csv?{AsOf}");

        var rows = CsvText.Parse(csv).Skip(1).ToList();
        Assert.Equal(expected.ByCaseType.Count, rows.Count);
        foreach (var sweep in expected.ByCaseType)
        {
            Assert.Equal(Format.Num(sweep.RecommendedThreshold, 2), rows.Single(r => r[0] == sweep.CaseType)[2]);
        }
    }

    [Fact]
    public async Task SlaBpoSopPages_Figures_EqualWarehouse()
    {
        MetricsReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetMetrics(ReviewWeek, WarehouseAsOf);
        }

        var client = await app.LoginAsync("dana");
        var sla = CsvText.Parse(await client.GetStringAsync($"/export/sla/by_case_type.csv?{AsOf}"));
        var bpo = CsvText.Parse(await client.GetStringAsync($"/export/bpo/by_vendor.csv?{AsOf}"));
        var sop = CsvText.Parse(await client.GetStringAsync($"/export/sop/coverage.csv?{AsOf}"));

        foreach (var slice in expected.ByCaseType.Append(expected.Overall))
        {
            var row = sla.Single(r => r[0] == (slice.CaseType ?? "all"));
            Assert.Equal(Format.Count(slice.ResolvedCases), row[2]);
            Assert.Equal(Format.Count(slice.OpenCases), row[3]);
            Assert.Equal(KpiCatalogue.Sla.Show(slice.SlaCompliance, Format.None), row[4]);
            Assert.Equal(Format.Num(slice.ResolutionHoursP50, 2), row[5]);
        }

        var vendors = expected.Quality.Where(q => q.Dimension == "vendor").ToList();
        Assert.NotEmpty(vendors);
        foreach (var vendor in vendors)
        {
            var row = bpo.Single(r => r[0] == vendor.Value);
            // The vendor table leaves out the vendor column (it repeats the key): key, org, qa_audits, correct, accuracy, kappa_cases, kappa.
            Assert.Equal(Format.Count(vendor.QaAudits), row[2]);
            Assert.Equal(KpiCatalogue.DecisionAccuracy.Show(vendor.DecisionAccuracy, Format.None), row[4]);
            Assert.Equal(Format.Num(vendor.Kappa), row[6]);
        }

        Assert.NotEmpty(expected.SopCoverage);
        foreach (var coverage in expected.SopCoverage)
        {
            var row = sop.Single(r => r[0] == coverage.CaseType);
            Assert.Equal(Format.Count(coverage.Scenarios), row[1]);
            Assert.Equal(KpiCatalogue.SopCoverage.Show(coverage.Coverage, Format.None), row[3]);
        }
    }

    [Fact]
    public async Task BpoAndModelPages_Overturn_EqualWarehouseWithN()
    {
        RiskOps.Sql.Overturn.OverturnReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetOverturn(ReviewWeek);
        }

        var client = await app.LoginAsync("dana");
        var vendors = CsvText.Parse(await client.GetStringAsync($"/export/bpo/overturn_by_vendor.csv?{AsOf}"));
        var reviewers = CsvText.Parse(await client.GetStringAsync($"/export/bpo/overturn_by_reviewer.csv?{AsOf}"));
        var types = CsvText.Parse(await client.GetStringAsync($"/export/model/overturn_by_case_type.csv?{AsOf}"));

        Assert.True(expected.Overall.Overturned > 0, "the demo review week has overturns");
        Assert.Equal(["vendor", "resolved", "overturned", "overturn_rate", "overturned_labeled", "human_right", "agent_right", "human_right_rate", "overturn_rate_n", "human_right_rate_n"], vendors[0]);
        Assert.Equal(expected.ByVendor.Select(v => v.Slice), vendors.Skip(1).Select(r => r[0]));
        foreach (var (want, row) in expected.ByVendor.Zip(vendors.Skip(1)))
        {
            Assert.Equal([Format.Count(want.ResolvedCases), Format.Count(want.Overturned), KpiCatalogue.OverturnRate.Show(want.OverturnRate, Format.None),
                Format.Count(want.OverturnedLabeled), Format.Count(want.HumanRight), Format.Count(want.AgentRight),
                KpiCatalogue.HumanRightWhenOverturned.Show(want.HumanRightRate, Format.None), Format.Count(want.OverturnRateN), Format.Count(want.HumanRightRateN)], row.Skip(1));
        }

        Assert.Equal(expected.ByReviewer.Count, reviewers.Count - 1);
        var all = types.Single(r => r[0] == "all");
        Assert.Equal(Format.Count(expected.Overall.Overturned), all[2]);
        Assert.Equal(expected.ByCaseType.Select(t => t.Slice).Append("all"), types.Skip(1).Select(r => r[0]));
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/bpo?{AsOf}"));
        Assert.Contains("AI overturns — 2026-W46", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClustersPage_DrillDown_ShowsExamplesAndTrend()
    {
        ClusterReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetClusters(new MetricFilters { From = new DateOnly(2026, 10, 19), To = new DateOnly(2026, 11, 15) });
        }

        Assert.NotEmpty(expected.Clusters);
        var client = await app.LoginAsync("lena");
        var list = await client.GetStringAsync($"/clusters?from=2026-W43&to=2026-W46&{AsOf}");
        var link = WebUtility.HtmlDecode(ClusterLink().Match(list).Groups[1].Value);
        Assert.StartsWith("/cluster?", link, StringComparison.Ordinal);

        var detail = await client.GetAsync(link);
        var html = WebUtility.HtmlDecode(await detail.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var first = expected.Clusters[0];
        Assert.Contains($"{first.CaseType} {first.Label}: {string.Join(" + ", first.Signals)}", html, StringComparison.Ordinal);
        Assert.Contains($"All {first.Support} {first.Label} cases", html, StringComparison.Ordinal);
        Assert.Contains(first.ExampleCaseIds[0], html, StringComparison.Ordinal);

        // The CSV of all the cluster's cases has one row per error case: its support.
        var csv = await client.GetStringAsync("/export/cluster/cases.csv" + link[link.IndexOf('?', StringComparison.Ordinal)..] + "&page=all");
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("case_id,scored_at,", rows[0], StringComparison.Ordinal);
        Assert.Equal(first.Support, rows.Length - 1);
        Assert.Contains("Error cases per week", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDetail_ClusterNotFoundInPeriod_PageSaysSo()
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync($"/cluster?cluster=ATO%7CFP%7Cno_such_signal&{AsOf}");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Not found in this period", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterDetail_NoClusterKey_Returns404()
    {
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync($"/cluster?{AsOf}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CsvExport_DataRole_ReturnsAttachmentWithHeader()
    {
        var client = await app.LoginAsync("dana");

        var response = await client.GetAsync($"/export/sla/by_case_type.csv?{AsOf}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("sla-by_case_type-all-2026-W46.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        Assert.StartsWith("case_type,manual_cases,resolved,open,sla_compliance,p50_hours,p90_hours", text, StringComparison.Ordinal);
        Assert.True(CsvText.Parse(text).Count > 2);
    }

    [Fact]
    public async Task CsvExport_UnknownTable_Returns404()
    {
        var client = await app.LoginAsync("dana");

        var response = await client.GetAsync($"/export/sla/nope.csv?{AsOf}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Filters_StayInNavigationLinks()
    {
        var client = await app.LoginAsync("lena");

        var html = await client.GetStringAsync($"/sla?case_type=ATO&{AsOf}");

        Assert.Contains("href=\"/model?case_type=ATO&amp;as_of=2026-11-16T00%3A00%3A00Z\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"ATO\" selected=\"selected\">ATO</option>", html, StringComparison.Ordinal);
    }

    private static DateTimeOffset WarehouseAsOf => WebAppFixture.AsOf;

    [GeneratedRegex("<a href=\"(/cluster\\?[^\"]+)\"")]
    private static partial Regex ClusterLink();
}
