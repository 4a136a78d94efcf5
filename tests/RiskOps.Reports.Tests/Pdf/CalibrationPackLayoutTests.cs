using RiskOps.Reports.Pdf;
using UglyToad.PdfPig;

namespace RiskOps.Reports.Tests.Pdf;

public sealed class CalibrationPackLayoutTests
{
    [Fact]
    public void Render_SampleWeek_AllSectionsHeaderAndPageNumbersAreSelectableText()
    {
        var data = SamplePack.Create();
        var path = Write(CalibrationPack.Render(data), "sample");

        var text = PdfTools.PdfToText(path);
        foreach (var title in CalibrationPack.SectionTitles)
        {
            Assert.Contains(title, text);
        }

        Assert.Contains("Period: 2026-W46 (2026-11-09 – 2026-11-15, UTC)", text);
        Assert.Contains("Open cases aged to (as of): 2026-11-23 06:00 UTC", text);
        Assert.Contains("Data through: 2026-11-23 05:00 UTC", text);
        Assert.DoesNotContain("cut-off", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Label completeness: 90.0 %", text);
        Assert.Contains("Scope: all case types; all vendors", text);
        using var pdf = PdfDocument.Open(path);
        Assert.Contains($"Page 1 of {pdf.NumberOfPages}", text);
        Assert.Contains($"Page {pdf.NumberOfPages} of {pdf.NumberOfPages}", text);
        Assert.Equal(595, pdf.GetPage(1).Width, 0);
        Assert.Equal(842, pdf.GetPage(1).Height, 0);
    }

    [Fact]
    public void Render_SampleWeek_PrintsFiguresAndClusterBatch()
    {
        var data = SamplePack.Create();
        var path = Write(CalibrationPack.Render(data), "sample-figures");
        var text = Normalize(PdfTools.PdfToText(path));

        Assert.Contains(ReportFormat.Percent(data.Current.Overall.Precision), text);
        Assert.Contains("87.1 %", text);
        Assert.Contains("new_device + vpn_ip", text);
        Assert.Contains("C-000123", text);
        Assert.Contains("C-000789", text);
        Assert.Contains("A — retrain", text);
        Assert.Contains("C — SOP update", text);
        Assert.Contains("KYC_AUDIT.sybil_ring_unhandled", text);
        // Only significant changes, each with both n (TP + FP: 800 + 31 last week, 800 + 77 this week).
        Assert.Contains("Precision fell from 96.2 % (n = 831) to 91.2 % (n = 877), −5.0 pts, p < 0.001.", text);
        Assert.Contains("ATO changed most: Precision fell from 97.1 % (n = 480) to 87.1 %", text);
        Assert.DoesNotContain("SLA compliance fell", text);
        // The summary names the top patterns from the same list as section 4.
        Assert.Contains("Top patterns this week (section 4): ATO FP new_device + vpn_ip (37 of 120 cases", text);
    }

    [Fact]
    public void Render_LongRootCauseCode_BreaksAfterASeparatorNeverMidWord()
    {
        var lines = PdfRenderer.Wrap("KYC_AUDIT.sybil_ring_unhandled_for_long", 8, bold: false, PdfRenderer.Measure("KYC_AUDIT.sybil_ring", 8, bold: false) + 1);

        Assert.True(lines.Count > 1);
        Assert.All(lines.SkipLast(1), l => Assert.True(l.EndsWith('.') || l.EndsWith('_'), $"'{l}' ends mid-word"));
        Assert.Equal("KYC_AUDIT.sybil_ring_unhandled_for_long", string.Concat(lines));
    }

    [Fact]
    public void FileName_WeekAndScope_NameTheAttachment()
    {
        var period = ReportPeriod.Parse("2026-W47");

        Assert.Equal("riskops-pack-2026-W47-all.pdf", CalibrationPack.FileName(period, RiskOps.Sql.Model.MetricFilters.None));
        Assert.Equal("riskops-pack-2026-W47-ATO-Keystone-BPO.pdf",
            CalibrationPack.FileName(period, new RiskOps.Sql.Model.MetricFilters { CaseTypes = ["ATO"], Vendors = ["Keystone BPO"] }));
    }

    [Fact]
    public void Render_SampleWeek_NoPageIsAnOrphan()
    {
        var path = Write(CalibrationPack.Render(SamplePack.Create()), "orphans");
        using var pdf = PdfDocument.Open(path);

        // Between the running header (top ~105 pt) and footer (bottom ~64 pt) every page carries content of its own,
        // not a lone heading, table row or paragraph that spilled over.
        foreach (var page in pdf.GetPages())
        {
            var content = page.GetWords().Count(w => w.BoundingBox.Bottom > 70 && w.BoundingBox.Top < page.Height - 110);
            Assert.True(content >= 15, $"page {page.Number} of {pdf.NumberOfPages} has only {content} words of content");
        }
    }

    [Fact]
    public void Render_EmptyPeriod_SaysSoInEverySection()
    {
        var path = Write(CalibrationPack.Render(SamplePack.Create(empty: true)), "empty");
        var text = Normalize(PdfTools.PdfToText(path));

        foreach (var title in CalibrationPack.SectionTitles)
        {
            Assert.Contains(title, text);
        }

        var says = text.Split(CalibrationPack.EmptyPeriodText).Length - 1;
        Assert.True(says >= 5, $"the empty-period statement appears {says} times");
    }

    [Fact]
    public void Render_FontsAreEmbedded()
    {
        var path = Write(CalibrationPack.Render(SamplePack.Create()), "fonts");
        var fonts = PdfTools.PdfFonts(path);

        Assert.Contains("DejaVuSans", fonts);
        var rows = fonts.Split('\n').Skip(2).Where(l => l.Trim().Length > 0).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains(" yes ", r));
    }

    [Fact]
    public void Render_SameData_SameBytes()
    {
        var first = CalibrationPack.Render(SamplePack.Create());
        var second = CalibrationPack.Render(SamplePack.Create());

        Assert.Equal(first, second);
    }

    private static string Write(byte[] pdf, string name)
    {
        var dir = PdfTools.ArtifactDir("report-pages");
        var path = Path.Combine(dir, $"layout-{name}.pdf");
        File.WriteAllBytes(path, pdf);
        if (name is "sample" or "empty")
        {
            PdfTools.PdfToPng(path, dir, $"layout-{name}");
        }

        return path;
    }

    /// <summary>pdftotext -layout pads columns with runs of spaces; collapse them so sentences compare.</summary>
    private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"[ \t]+", " ");
}
