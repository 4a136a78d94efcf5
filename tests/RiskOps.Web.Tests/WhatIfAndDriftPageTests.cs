using System.Net;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Sql.WhatIf;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>The Calibration page's what-if form and the Model quality page's drift section, against the warehouse.</summary>
[Collection(WebCollection.Name)]
public sealed class WhatIfAndDriftPageTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";

    [Fact]
    public async Task CalibrationWhatIf_Proposal_EqualsWarehouseProjection()
    {
        WhatIfReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            // The page's week is the last complete one (W46); the window is the 3 weeks ending there.
            expected = warehouse.GetWhatIf(MetricFilters.None, [new WhatIfProposal("ATO", 0.95)], 3, "2026-W46");
        }

        var client = await app.LoginAsync("lena");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/calibration?propose_ATO=0.95&whatif_weeks=3&{AsOf}"));
        Assert.Contains("What-if: a proposed threshold over the last 3 weeks", html, StringComparison.Ordinal);
        Assert.Contains("id=\"form-whatif\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"propose_ATO\" value=\"0.95\"", html, StringComparison.Ordinal);
        // The page's filters ride along in the form.
        Assert.Contains("name=\"as_of\" value=\"2026-11-16T00:00:00Z\"", html, StringComparison.Ordinal);

        var rows = CsvText.Parse(await client.GetStringAsync($"/export/calibration/what_if.csv?propose_ATO=0.95&whatif_weeks=3&{AsOf}"));
        var header = rows[0];
        var ato = expected.ByCaseType.Single(c => c.CaseType == "ATO");
        foreach (var (scenario, figures) in new[] { ("current", ato.Current!), ("proposed", ato.Proposed!) })
        {
            var row = rows.Single(r => r[0] == "ATO" && r[1] == scenario);
            Assert.Equal(Format.Num(figures.Threshold, 2), row[header.IndexOf("threshold")]);
            Assert.Equal(Format.PctCi(figures.Precision, figures.PrecisionCiLow, figures.PrecisionCiHigh), row[header.IndexOf("precision")]);
            Assert.Equal(Format.PctCi(figures.Recall, figures.RecallCiLow, figures.RecallCiHigh), row[header.IndexOf("recall")]);
            Assert.Equal(Format.PctCi(figures.AutomationRate, figures.AutomationRateCiLow, figures.AutomationRateCiHigh), row[header.IndexOf("automation_rate")]);
            Assert.Equal(Format.Count(figures.PrecisionN), row[header.IndexOf("precision_n")]);
            Assert.StartsWith(Format.Num(figures.ManualCasesPerDay, 1) + " [", row[header.IndexOf("manual_cases_per_day")], StringComparison.Ordinal);
        }

        Assert.Equal(2, rows.Count - 1);
    }

    [Theory]
    [InlineData("propose_ATO=1.5", "outside [0, 1]")]
    [InlineData("propose_ATO=abc", "is not a number")]
    [InlineData("propose_ATO=0.955", "more than two decimals")]
    [InlineData("propose_NOT_A_TYPE=0.9", "Case type 'NOT_A_TYPE' has no decision in the window")]
    [InlineData("whatif_weeks=99&propose_ATO=0.9", "Weeks '99' is not a whole number from 1 to 26")]
    public async Task CalibrationWhatIf_BadInput_MessageOnPage(string query, string message)
    {
        var client = await app.LoginAsync("lena");
        var response = await client.GetAsync($"/calibration?{query}&{AsOf}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("class=\"form-error\" role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelDrift_Table_EqualsWarehouseDrift()
    {
        Sql.Drift.DriftReport expected;
        using (var warehouse = Warehouse.Open(app.Lake))
        {
            expected = warehouse.GetDrift(new MetricFilters { Weeks = ["2026-W46"] });
        }

        Assert.NotEmpty(expected.Entries);
        var client = await app.LoginAsync("lena");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/model?{AsOf}"));
        Assert.Contains("Early warning without labels — drift, 2026-W46 vs the week before", html, StringComparison.Ordinal);
        var rows = CsvText.Parse(await client.GetStringAsync($"/export/model/drift.csv?{AsOf}"));
        var header = rows[0];
        Assert.Equal(expected.Entries.Count, rows.Count - 1);
        foreach (var entry in expected.Entries)
        {
            var row = rows.Single(r => r[0] == entry.CaseType && r[1] == entry.ModelVersion);
            Assert.Equal(entry.ConfidencePsi is { } psi ? Format.Num(psi, 3) : "— (no week before)", row[header.IndexOf("confidence_psi")]);
            Assert.Equal(Format.Count(entry.Decisions), row[header.IndexOf("decisions")]);
            Assert.Equal(entry.Flagged ? "yes" : entry.Comparable ? "no" : "n < 30", row[header.IndexOf("flagged")]);
        }
    }
}
