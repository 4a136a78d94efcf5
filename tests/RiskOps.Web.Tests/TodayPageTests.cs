using System.Net;
using System.Text.RegularExpressions;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Sql.Worklist;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Endpoints;

namespace RiskOps.Web.Tests;

/// <summary>The Today work list over the demo lake: who may see it, what it shows, paging, the CSV and its escaping.</summary>
[Collection(WebCollection.Name)]
public sealed partial class TodayPageTests(WebAppFixture app)
{
    private static readonly string AsOf = "as_of=" + Uri.EscapeDataString(WebAppFixture.AsOf.ToString("O"));

    private WorklistReport Expected(int page = 1, int size = 50)
    {
        using var warehouse = Warehouse.Open(app.Lake);
        return warehouse.GetWorklist(MetricFilters.None, WebAppFixture.AsOf, page, size);
    }

    [Theory]
    [InlineData("lena")]
    [InlineData("admin")]
    public async Task Today_LeadOrAdmin_RendersCountsListAndRefresh(string user)
    {
        var expected = Expected();
        var client = await app.LoginAsync(user);

        var response = await client.GetAsync($"/today?{AsOf}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(expected.Summary.OpenTotal > 0, "the demo lake should have open manual cases");
        Assert.Contains("<h1>Today</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"60\" />", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"value\">{Format.Count(expected.Summary.Breached)}</div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"value\">{Format.Count(expected.Summary.OpenTotal)}</div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"value\">{Format.Count(expected.KeyUsersWithoutEscalation)}</div>", html, StringComparison.Ordinal);
        var cells = Cells(html);
        Assert.All(expected.Cases, c => Assert.Contains(c.CaseId, cells));
        Assert.Contains("href=\"/today?", html, StringComparison.Ordinal);
        Assert.Contains(">Today</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max")]
    [InlineData("dana")]
    public async Task Today_RoleWithoutAccess_Forbidden(string user)
    {
        var client = await app.LoginAsync(user);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/today?{AsOf}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/export/today/cases.csv?{AsOf}")).StatusCode);
        Assert.DoesNotContain(">Today</a>", await client.GetStringAsync($"/sla?{AsOf}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_Page2_NextSliceWithoutOverlap()
    {
        var first = Expected(1, 5);
        var second = Expected(2, 5);
        Assert.True(first.Page.Pages >= 2, "the demo lake should fill two pages");
        var client = await app.LoginAsync("lena");

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/today?{AsOf}&page=2&size=5"));

        Assert.Contains($"Page 2 of {first.Page.Pages}, 5 cases per page", html, StringComparison.Ordinal);
        var cells = Cells(html);
        Assert.NotEmpty(second.Cases);
        Assert.All(second.Cases, c => Assert.Contains(c.CaseId, cells));
        Assert.All(first.Cases, c => Assert.DoesNotContain(c.CaseId, cells));
    }

    [Fact]
    public async Task TodayCsv_Lead_EveryOpenCaseOldestFirst()
    {
        var expected = Expected(1, Warehouse.MaxWorklistPageSize);
        var client = await app.LoginAsync("lena");

        var response = await client.GetAsync($"/export/today/cases.csv?{AsOf}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var rows = CsvText.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["case_id", "case_type", "priority", "key_user", "scored_at", "age_hours", "time_left_hours", "bucket", "vendor", "reviewer"], rows[0]);
        Assert.Equal(expected.Summary.OpenTotal, rows.Count - 1);
        Assert.Equal(expected.Cases.Select(c => c.CaseId), rows.Skip(1).Take(expected.Cases.Count).Select(r => r[0]));
        Assert.Equal(expected.Summary.Breached, rows.Count(r => r[7] == "breached"));
    }

    /// <summary>The text of every table cell of a page.</summary>
    private static HashSet<string> Cells(string html) =>
        CellPattern().Matches(html).Select(m => m.Groups[1].Value.Trim()).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"<td[^>]*>\s*(.*?)\s*</td>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("@sum", "'@sum")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("-2.50", "-2.50")]
    [InlineData("ATO", "ATO")]
    public void Cell_FormulaStart_PrefixedWithQuote(string value, string expected) =>
        Assert.Equal(expected, WorklistEndpoints.Cell(value));
}
