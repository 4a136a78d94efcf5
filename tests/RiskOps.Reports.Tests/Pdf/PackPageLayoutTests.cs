using RiskOps.Reports.Kpis;
using RiskOps.Reports.Pdf;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using UglyToad.PdfPig;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>The demo week's pack as a manager pages through it: no orphan pages, every ratio with its n, codes whole.</summary>
[Collection(DemoLakeCollection.Name)]
public sealed class PackPageLayoutTests(DemoLakeFixture lake)
{
    [Fact]
    public void Render_DemoWeek_EveryPageHoldsMoreThanAHeading()
    {
        var (_, path) = lake.Pack("demo-week", MetricFilters.None);
        using var pdf = PdfDocument.Open(path);

        foreach (var page in pdf.GetPages())
        {
            // Between the running header and the footer: content of its own, not a heading or a fragment that spilled over.
            var content = page.GetWords().Count(w => w.BoundingBox.Bottom > 70 && w.BoundingBox.Top < page.Height - 110);
            Assert.True(content >= 40, $"page {page.Number} of {pdf.NumberOfPages} has only {content} words of content");
        }
    }

    [Fact]
    public void Render_DemoWeek_CaseTypesAreBalancedNoneAloneOnAPage()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        var caseTypes = pack.Data.Current.ByCaseType.Where(s => s.CaseType is not null).Select(s => s.CaseType!).ToList();
        var pages = PdfTools.PdfToText(path).Split('\f');

        // A case type's block starts with its heading: a line holding only its name.
        var perPage = pages.Select(p => p.Split('\n').Count(l => caseTypes.Contains(l.Trim(), StringComparer.Ordinal))).Where(c => c > 0).ToList();
        Assert.Equal(caseTypes.Count, perPage.Sum());
        Assert.All(perPage, c => Assert.True(c >= Math.Min(2, caseTypes.Count), $"a page holds {c} case type(s) of {caseTypes.Count}: {string.Join(" + ", perPage)}"));
        // Each case type's note and its charts are on its heading's page: as many confusion charts and trend charts as headings.
        foreach (var caseType in caseTypes)
        {
            var page = pages.Single(p => p.Split('\n').Any(l => l.Trim() == caseType));
            var headings = page.Split('\n').Count(l => caseTypes.Contains(l.Trim(), StringComparer.Ordinal));
            Assert.Equal(headings, page.Split("Confusion matrix").Length - 1);
            Assert.Equal(headings, page.Split("Precision and recall by week").Length - 1);
            var slice = pack.Data.Current.ByCaseType.Single(s => s.CaseType == caseType);
            Assert.Contains($"{slice.Decisions:#,0} cases, {slice.LabeledCases:#,0} labeled", page);
        }
    }

    [Fact]
    public void Render_DemoWeek_RecallOnAutoDecidedCarriesItsN()
    {
        var (_, path) = lake.Pack("demo-week", MetricFilters.None);
        using var warehouse = Warehouse.Open(lake.Lake);
        var metrics = warehouse.GetMetrics(new MetricFilters { Weeks = [DemoLakeFixture.Week] }, DemoLakeFixture.PackAsOf);
        var previous = warehouse.GetMetrics(new MetricFilters { Weeks = ["2026-W46"] }, DemoLakeFixture.PackAsOf);
        var text = PdfTools.PdfToText(path);
        var row = text.Split('\n').Single(l => l.TrimStart().StartsWith("Recall on auto-decided (audit", StringComparison.Ordinal) && l.Contains("(n = ", StringComparison.Ordinal));

        Assert.NotNull(metrics.Overall.RecallAuto);
        Assert.Contains(KpiCatalogue.RecallAuto.ShowWithN(metrics.Overall), row);
        Assert.Contains($"(n = {metrics.Overall.RecallAutoN:#,0})", row);
        Assert.Contains(KpiCatalogue.RecallAuto.ShowWithN(previous.Overall), row);
        Assert.DoesNotContain("n not reported", text);
    }

    [Fact]
    public void Render_DemoWeek_RootCauseCodesAreNeverBrokenAcrossLines()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        var codes = pack.Data.Clusters.Clusters.Select(c => c.RootCauseCode).OfType<string>().Distinct().ToList();
        var text = PdfTools.PdfToText(path);

        Assert.NotEmpty(codes);
        foreach (var code in codes)
        {
            Assert.Contains(code, text);
        }
    }
}
