using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

/// <summary>
/// Pages and charts bound the categories they draw (issue 12 item 1): a lake with 200 junk case types, each named with
/// 119 characters, gives pages of the usual size whose "other" row holds exactly the rest.
/// </summary>
public sealed class CategoryBoundsTests : IAsyncLifetime
{
    private const int CaseTypes = 200;
    private const string Week = "week=2026-W46&as_of=2026-11-20T00:00:00Z";
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-junk-" + Guid.NewGuid().ToString("N"));

    /// <summary>A junk case type of 119 characters (upper-snake, as the contract requires).</summary>
    private static string CaseType(int i) => $"JUNK_{i:000}_" + new string('X', 110);

    /// <summary>Case type i gets 1 + i % 10 decisions, so the top 12 by volume are not simply the first 12 by name.</summary>
    private static int Decisions(int i) => 1 + (i % 10);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(WebAppFixture.BaseSettings(_lake)).Build();
        var pipeline = IngestPipeline.Create(_lake, configuration);
        var lines = Enumerable.Range(0, CaseTypes).SelectMany(i => Enumerable.Range(0, Decisions(i)).Select(j =>
            $$"""{"case_id":"j-{{i}}-{{j}}","case_type":"{{CaseType(i)}}","scored_at":"2026-11-10T10:{{j:00}}:00Z","model_version":"m1","ai_decision":"block","confidence":0.9,"threshold":0.8,"routing":"auto","priority":10,"user_id":"u-{{i}}-{{j}}","region":"EU"}"""));
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        var result = await pipeline.IngestStreamAsync(stream, RecordFormat.Ndjson, RecordKind.Decisions, "test:junk", null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, CaseTypes).Sum(Decisions), result.Landed);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_lake, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Pages_200JunkCaseTypes_StaySmallAndTheOtherRowHoldsTheRest()
    {
        await using var factory = WebAppFixture.CreateFactory(_lake);
        var client = await WebAppFixture.LoginAsync(factory, "lena", WebAppFixture.Password);

        foreach (var page in new[] { "/", "/model", "/sla", "/sop", "/clusters" })
        {
            var response = await client.GetAsync($"{page}?{Week}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsByteArrayAsync();
            // The filter form still offers every case type (cut labels, full values): ~60 KB of the bound.
            Assert.True(html.Length < 400_000, $"{page}: {html.Length:N0} bytes");
            // A full name appears only as an option value of the filter form (once per case type), never as shown text.
            var text = Encoding.UTF8.GetString(html);
            var full = text.Split(new string('X', 60)).Length - 1;
            Assert.True(full <= CaseTypes, $"{page}: {full} full case type names");
        }

        var csv = await client.GetStringAsync($"/export/overview/by_case_type.csv?{Week}");
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(Categories.MaxShown + 2, rows.Count);
        var shown = rows.Take(Categories.MaxShown).ToList();
        var other = rows[Categories.MaxShown];
        var all = rows[^1];
        Assert.Equal(Categories.OtherLabel, other[0]);
        Assert.Equal("all", all[0]);
        static long Count(string[] row) => long.Parse(row[1], CultureInfo.InvariantCulture);
        // The shown case types are the 12 with the most decisions (10 each); "other" holds every other decision.
        Assert.All(shown, r => Assert.Equal(10, Count(r)));
        var total = Enumerable.Range(0, CaseTypes).Sum(Decisions);
        Assert.Equal(total, Count(all));
        Assert.Equal(total - (10 * Categories.MaxShown), Count(other));
        // Labels are cut at 40 code points, the last an ellipsis.
        Assert.All(shown, r =>
        {
            Assert.Equal(Categories.MaxLabelLength, r[0].EnumerateRunes().Count());
            Assert.EndsWith(Categories.Ellipsis, r[0], StringComparison.Ordinal);
            Assert.StartsWith("JUNK_", r[0], StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("short", "short")]
    [InlineData("", "")]
    public void Label_ShortText_Unchanged(string text, string expected) => Assert.Equal(expected, Categories.Label(text));

    [Fact]
    public void Label_LongTextWithSurrogatePairs_CutAtCodePointsNeverInsideAPair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 100));

        var label = Categories.Label(text);

        Assert.Equal(Categories.MaxLabelLength, label.EnumerateRunes().Count());
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", Categories.MaxLabelLength - 1)) + Categories.Ellipsis, label);
        Assert.Equal(new string('a', Categories.MaxLabelLength), Categories.Label(new string('a', Categories.MaxLabelLength)));
    }

    [Fact]
    public void Top_MoreThanTheBound_LargestFirstTiesInOrderRestFolded()
    {
        var items = Enumerable.Range(0, 20).ToList();

        var bounded = Categories.Top(items, i => i % 5, max: 4);

        Assert.Equal([4, 9, 14, 19], bounded.Shown);
        Assert.Equal(16, bounded.Rest.Count);
        Assert.Equal(items.Sum(i => i % 5) - 16, bounded.Rest.Sum(i => i % 5));
        Assert.Equal(items, Categories.Top(items, i => i, max: 20).Shown);
        Assert.Empty(Categories.Top(items, i => i, max: 20).Rest);
    }
}
