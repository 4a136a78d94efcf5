using System.Net;
using RiskOps.Etl.Demo;

namespace RiskOps.Web.Tests;

/// <summary>The demo's planted drift on the Model quality page: the only flagged slice, listed first, naming its signal.</summary>
[Collection(WebCollection.Name)]
public sealed class PlantedDriftPageTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";

    [Fact]
    public async Task ModelQuality_DemoWeek_PlantedDriftIsTheOneFlaggedSliceFirst()
    {
        var client = await app.LoginAsync("lena");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/model?{AsOf}"));
        // The page's week is the last complete one (W46), the week the planted drift starts.
        Assert.Contains($"1 of ", html, StringComparison.Ordinal);
        Assert.Matches($@"1 of \d+ case type × model version slices shifted in 2026-W46: {DemoScenario.DriftCaseType} {DemoScenario.NewModel} \(", html);

        var rows = CsvText.Parse(await client.GetStringAsync($"/export/model/drift.csv?{AsOf}"));
        var header = rows[0];
        var first = rows[1];
        Assert.Equal(DemoScenario.DriftCaseType, first[header.IndexOf("case_type")]);
        Assert.Equal(DemoScenario.NewModel, first[header.IndexOf("model_version")]);
        Assert.Equal(DemoScenario.DriftSignal, first[header.IndexOf("largest_signal_shift")]);
        Assert.Equal("yes", first[header.IndexOf("flagged")]);
        Assert.Single(rows.Skip(1), r => r[header.IndexOf("flagged")] == "yes");
    }
}
