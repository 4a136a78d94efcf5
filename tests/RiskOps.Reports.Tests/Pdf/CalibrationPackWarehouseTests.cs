using System.Text.RegularExpressions;
using RiskOps.Etl.Demo;
using RiskOps.Reports.Kpis;
using RiskOps.Reports.Pdf;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using UglyToad.PdfPig;
using static RiskOps.Reports.Pdf.ReportFormat;

namespace RiskOps.Reports.Tests.Pdf;

[Collection(DemoLakeCollection.Name)]
public sealed class CalibrationPackWarehouseTests(DemoLakeFixture lake)
{
    private static readonly DateTimeOffset _asOf = DemoLakeFixture.PackAsOf;

    [Fact]
    public void Render_DemoWeek_PrintedFiguresEqualWarehouseMetrics()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        using var warehouse = Warehouse.Open(lake.Lake);
        var metrics = warehouse.GetMetrics(new MetricFilters { Weeks = [DemoLakeFixture.Week] }, _asOf);
        var previous = warehouse.GetMetrics(new MetricFilters { Weeks = ["2026-W46"] }, _asOf);
        var lines = PdfTools.PdfToText(path).Split('\n').Select(Collapse).ToList();

        Assert.True(metrics.Overall.Decisions > 0);
        Assert.Contains(lines, l => l.Contains($"Label completeness: {Percent(metrics.Overall.LabelCompleteness)} " +
            $"({Count(metrics.Overall.LabeledCases)} of {Count(metrics.Overall.Decisions)} cases labeled so far)", StringComparison.Ordinal));
        AssertRow(lines, "Precision", KpiCatalogue.Precision.ShowWithN(metrics.Overall), KpiCatalogue.Precision.Target!.Text, KpiCatalogue.Precision.ShowWithN(previous.Overall));
        AssertRow(lines, "Recall", KpiCatalogue.Recall.ShowWithN(metrics.Overall), KpiCatalogue.Recall.Target!.Text, KpiCatalogue.Recall.ShowWithN(previous.Overall));
        AssertRow(lines, "SLA compliance (4 h)", KpiCatalogue.Sla.ShowWithN(metrics.Overall), KpiCatalogue.Sla.ShowWithN(previous.Overall));
        AssertRow(lines, "Decision accuracy (QA)", KpiCatalogue.DecisionAccuracy.ShowWithN(metrics.Overall), KpiCatalogue.DecisionAccuracy.ShowWithN(previous.Overall));
        AssertRow(lines, "Key-user escalation", KpiCatalogue.KeyUserEscalation.ShowWithN(metrics.Overall));
        AssertRow(lines, "SOP coverage", KpiCatalogue.SopCoverage.ShowWithN(metrics.Overall));
        AssertRow(lines, "Automation rate", KpiCatalogue.Automation.ShowWithN(metrics.Overall), KpiCatalogue.Automation.ShowWithN(previous.Overall));
        Assert.NotEmpty(metrics.ByCaseType);
        foreach (var slice in metrics.ByCaseType)
        {
            AssertRow(lines, slice.CaseType!, Count(slice.LabeledCases), Count(slice.Tp), Count(slice.Fp), Count(slice.Tn), Count(slice.Fn),
                KpiCatalogue.Precision.Show(slice.Precision), Interval(slice.PrecisionCiLow, slice.PrecisionCiHigh), KpiCatalogue.Recall.Show(slice.Recall));
            AssertRow(lines, slice.CaseType!, Count(slice.LabeledCases), Number(slice.Ece), Number(slice.Brier));
            AssertRow(lines, slice.CaseType!, Count(slice.ManualCases), Count(slice.ResolvedCases), Count(slice.OpenCases), KpiCatalogue.Sla.Show(slice.SlaCompliance));
        }

        Assert.Equal(metrics.Overall.Precision, pack.Data.Current.Overall.Precision);
    }

    [Fact]
    public void Render_DemoWeek_PlantedClusterIsInTheBatchSectionWithRoute()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        var pages = PdfTools.PdfToText(path).Split('\f');
        var batch = Collapse(string.Join("\n", pages.SkipWhile(p => !p.Contains(CalibrationPack.SectionTitles[3], StringComparison.Ordinal))
            .TakeWhile(p => !p.Contains(CalibrationPack.SectionTitles[4], StringComparison.Ordinal))));

        // One week of the fixture's demo is ~1,500 cases: under the v2 rule (99.9 % Wilson bound) not every planted
        // pattern is significant within a single week, but the week's planted clusters that are must be in the section.
        var found = DemoScenario.PlantedPatterns
            .Select(planted => (planted, cluster: pack.Data.Clusters.Clusters.FirstOrDefault(c =>
                c.CaseType == planted.CaseType && c.Label == planted.Label && c.Signals.SequenceEqual(planted.Signals))))
            .Where(x => x.cluster is not null)
            .ToList();
        Assert.NotEmpty(found);
        foreach (var (planted, cluster) in found)
        {
            Assert.Contains(string.Join(" + ", planted.Signals), batch);
            Assert.Equal(planted.RootCauseCode, cluster!.RootCauseCode);
            // Long codes wrap after their separators ('.', '_') in the table cell, so each piece may be on its own line.
            Assert.All(planted.RootCauseCode.Split(['.', '_']), piece => Assert.Contains(piece, batch));
            Assert.Contains(CalibrationPack.RouteText(cluster!), batch);
            Assert.StartsWith(planted.RootCauseType, CalibrationPack.RouteText(cluster!), StringComparison.Ordinal);
            Assert.Contains(cluster!.ExampleCaseIds[0], batch);
            // "support / cases" may wrap inside its narrow cell.
            Assert.Matches($@"{Regex.Escape(Count(cluster.Support))}\s*/\s*{Regex.Escape(Count(cluster.Cases))}", batch);
        }
    }

    [Fact]
    public void Render_DemoWeek_EverySectionAndHeaderPresentInPdfPig()
    {
        var (_, path) = lake.Pack("demo-week", MetricFilters.None);
        using var pdf = PdfDocument.Open(path);
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));

        foreach (var title in CalibrationPack.SectionTitles)
        {
            Assert.Contains(title, text);
        }

        Assert.Contains("Open cases aged to (as of): 2026-11-23 06:00 UTC", text);
        Assert.DoesNotContain("cut-off", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Page {pdf.NumberOfPages} of {pdf.NumberOfPages}", text);
    }

    [Fact]
    public void Render_VendorAndCaseTypeScope_NarrowsFiguresAndSaysScope()
    {
        var scope = new MetricFilters { CaseTypes = ["ATO"], Vendors = ["Keystone"] };
        var (pack, path) = lake.Pack("demo-scoped", scope);
        using var warehouse = Warehouse.Open(lake.Lake);
        var metrics = warehouse.GetMetrics(scope with { Weeks = [DemoLakeFixture.Week] }, _asOf);
        var text = Collapse(PdfTools.PdfToText(path));

        Assert.Contains("Scope: case types ATO; vendors Keystone", text);
        Assert.All(pack.Data.Current.ByCaseType, s => Assert.Equal("ATO", s.CaseType));
        Assert.DoesNotContain("KYC_AUDIT", string.Join(" ", pack.Data.Clusters.Clusters.Select(c => c.CaseType)));
        Assert.Equal(metrics.Overall.Decisions, pack.Data.Current.Overall.Decisions);
        Assert.Contains($"of {Count(metrics.Overall.Decisions)} cases labeled so far", text);
    }

    [Fact]
    public void Render_WeekWithoutCases_SaysSoInsteadOfFailing()
    {
        var (pack, path) = lake.Pack("demo-empty", MetricFilters.None, "2025-W10");
        var text = Collapse(PdfTools.PdfToText(path));

        Assert.True(pack.Data.IsEmpty);
        Assert.Contains(CalibrationPack.EmptyPeriodText, text);
        foreach (var title in CalibrationPack.SectionTitles)
        {
            Assert.Contains(title, text);
        }
    }

    [Fact]
    public void Render_DemoWeek_OverturnTableEqualsWarehouseOverturn()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        using var warehouse = Warehouse.Open(lake.Lake);
        var overturn = warehouse.GetOverturn(new MetricFilters { Weeks = [DemoLakeFixture.Week] });
        var lines = PdfTools.PdfToText(path).Split('\n').Select(Collapse).ToList();

        Assert.True(overturn.Overall.ResolvedCases > 0 && overturn.Overall.Overturned > 0, "the demo week has overturns");
        Assert.Equal(overturn.Overall.Overturned, pack.Data.Overturn.Overall.Overturned);
        Assert.Contains(lines, l => l.Contains("AI overturns (final human decision differs from the agent's)", StringComparison.Ordinal));
        foreach (var row in overturn.ByCaseType.Concat(overturn.ByVendor).Append(overturn.Overall))
        {
            var rate = KpiCatalogue.OverturnRate.Show(row.OverturnRate) + (row.OverturnRateN < 30 ? " (n < 30)" : $" (n = {Count(row.OverturnRateN)})");
            AssertRow(lines, row.Dimension == "overall" ? "all" : row.Dimension.Replace('_', ' '), row.Slice ?? "All (pooled)", Count(row.ResolvedCases), Count(row.Overturned), rate,
                Count(row.HumanRight), Count(row.AgentRight));
        }
    }

    /// <summary>The running header (title and three lines) and footer that pdftotext prints on every page.</summary>
    private const int HeaderLines = 4;

    [Theory]
    [InlineData("demo-week")]
    [InlineData("demo-scoped")]
    public void Render_DemoPack_NoPageButTheLastIsAnOrphan(string name)
    {
        var scope = name == "demo-scoped" ? new MetricFilters { CaseTypes = ["ATO"], Vendors = ["Keystone"] } : MetricFilters.None;
        var (_, path) = lake.Pack(name, scope);
        var pages = PdfTools.PdfToText(path).Split('\f').Where(p => p.Trim().Length > 0).ToList();
        using var pdf = PdfDocument.Open(path);

        Assert.Equal(pdf.NumberOfPages, pages.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            var lines = pages[i].Split('\n').Where(l => l.Trim().Length > 0).ToList();
            var content = lines.Count - HeaderLines - 1;
            // A page of a few lines is a spill-over (a heading, a table row or a sentence alone). The last page may be
            // short, and so may a section's last page before a section that starts on a new page, but never a lone
            // heading or line: it carries a heading and at least three lines.
            var closesSection = i < pages.Count - 1 && Regex.IsMatch(pages[i + 1].Split('\n').Where(l => l.Trim().Length > 0).Skip(HeaderLines).First().Trim(), @"^\d\. ");
            var minimum = i == pages.Count - 1 ? 1 : closesSection ? 4 : 10;
            Assert.True(content >= minimum, $"page {i + 1} of {pages.Count} has only {content} lines of content: {string.Join(" | ", lines.Skip(HeaderLines).Select(l => l.Trim()))}");

            // A heading (11.5 or 15 pt, body text is at most 10 pt) is never the last line above the footer.
            var page = pdf.GetPage(i + 1);
            var body = page.Letters.Where(l => l.BoundingBox.Bottom > 70 && !string.IsNullOrWhiteSpace(l.Value)).ToList();
            var lowest = body.Min(l => l.BoundingBox.Bottom);
            var lastLine = body.Where(l => l.BoundingBox.Bottom < lowest + 3).ToList();
            Assert.True(lastLine.Max(l => l.PointSize) < 11, $"page {i + 1} ends with a heading: {string.Concat(lastLine.Select(l => l.Value))}");
        }
    }

    [Fact]
    public void Render_DemoWeek_CodesAndCaseTypesAreNeverBrokenMidWord()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        var codes = pack.Data.Current.ByCaseType.Select(s => s.CaseType!)
            .Concat(pack.Data.Clusters.Clusters.Select(c => c.RootCauseCode).OfType<string>())
            .Concat(DemoScenario.PlantedPatterns.Select(p => p.RootCauseCode))
            .Distinct(StringComparer.Ordinal).ToList();
        var words = PdfTools.PdfToText(path).Split((char[])[' ', '\n', '\f', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('(', ')', ',', ';', ':')).ToList();

        Assert.Contains("WITHDRAWAL_ANOMALY", words);
        Assert.Contains(pack.Data.Clusters.Clusters.First().RootCauseCode!, words);
        foreach (var code in codes)
        {
            // A part of a code on a line of its own ends at a separator ('.', '_', …), never inside a word part.
            var broken = words.Where(w => w.Length >= 3 && w.Length < code.Length && !codes.Contains(w) && code.StartsWith(w, StringComparison.Ordinal)
                && !(w[^1] is '.' or '_' or '-' or '/' or ',')).ToList();
            Assert.True(broken.Count == 0, $"{code} broken as {string.Join(", ", broken)}");
        }
    }

    /// <summary>Asserts one text line starts with <paramref name="first"/> and holds the cells in order.</summary>
    private static void AssertRow(IReadOnlyList<string> lines, string first, params string[] cells)
    {
        var pattern = "^" + Regex.Escape(first) + " " + string.Join(".*", cells.Select(Regex.Escape));
        Assert.True(lines.Any(l => Regex.IsMatch(l, pattern)), $"no line matches {pattern}");
    }

    private static string Collapse(string text) => Regex.Replace(text, @"[ \t]+", " ").Trim();
}
