using System.Net;
using System.Text;
using RiskOps.Reports.Kpis;
using RiskOps.Sql;
using static RiskOps.Reports.Pdf.ReportFormat;

namespace RiskOps.Reports.Pdf;

/// <summary>A rendered pack: its figures, the PDF and the email summary.</summary>
/// <param name="Data">The figures.</param>
/// <param name="Pdf">The PDF bytes.</param>
/// <param name="SummaryHtml">HTML summary (email body).</param>
/// <param name="SummaryText">Plain-text summary (email alternative).</param>
public sealed record RenderedPack(PackData Data, byte[] Pdf, string SummaryHtml, string SummaryText);

/// <summary>
/// The one renderer of calibration packs: <c>riskops report</c>, the subscription job and the web "generate now" all
/// call it, so a pack looks the same whichever way it was asked for.
/// </summary>
/// <param name="time">The clock of the pack's "generated at".</param>
/// <param name="registry">The experiment registry the guard rails and the summary's "Experiments" line are checked
/// against (the host's, from configuration section <c>Experiments</c>); null: none given.</param>
public sealed class PackRenderer(TimeProvider time, RiskOps.Sql.Experiments.ExperimentRegistry? registry = null)
{
    /// <summary>Loads the figures from the lake's warehouse and renders the pack.</summary>
    public RenderedPack Render(string lakeRoot, PackRequest request)
    {
        using var warehouse = Warehouse.Open(lakeRoot);
        return Render(warehouse, request);
    }

    /// <summary>Renders the pack from an open warehouse.</summary>
    public RenderedPack Render(Warehouse warehouse, PackRequest request)
    {
        var data = PackData.Load(warehouse, request, time.GetUtcNow(), registry);
        return Render(data);
    }

    /// <summary>Renders the pack from figures already loaded.</summary>
    public static RenderedPack Render(PackData data) =>
        new(data, CalibrationPack.Render(data), PackSummary.Html(data), PackSummary.Text(data));
}

/// <summary>The email body: header facts, KPI status and "what changed", in HTML and plain text.</summary>
public static class PackSummary
{
    /// <summary>HTML summary (inline styles only: mail clients drop style sheets).</summary>
    public static string Html(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#212121\">");
        html.Append("<h2 style=\"margin:0 0 8px\">").Append(Enc(CalibrationPack.Title(data))).Append("</h2>");
        foreach (var line in CalibrationPack.HeaderLines(data))
        {
            html.Append("<div style=\"color:#616161;font-size:12px\">").Append(Enc(line)).Append("</div>");
        }

        html.Append("<table style=\"border-collapse:collapse;margin:12px 0\"><tr>");
        foreach (var header in new[] { "KPI", "This week", "Target", "Last week", "Change", "Status" })
        {
            html.Append("<th style=\"text-align:left;padding:4px 8px;background:#eceff1\">").Append(header).Append("</th>");
        }

        html.Append("</tr>");
        foreach (var kpi in CalibrationPack.Kpis(data))
        {
            var color = kpi.Status switch
            {
                KpiStatus.Green => "#2e7d32",
                KpiStatus.Amber => "#ef8f00",
                KpiStatus.Red => "#c62828",
                _ => "#90a4ae",
            };
            var label = kpi.StatusText;
            html.Append("<tr><td style=\"padding:4px 8px\">").Append(Enc(kpi.Name))
                .Append("</td><td style=\"padding:4px 8px;text-align:right\">").Append(Enc(kpi.ShowCurrent))
                .Append("</td><td style=\"padding:4px 8px;text-align:right\">").Append(Enc(kpi.Target?.Text ?? "—"))
                .Append("</td><td style=\"padding:4px 8px;text-align:right\">").Append(Enc(kpi.ShowPrevious))
                .Append("</td><td style=\"padding:4px 8px;text-align:right\">").Append(Enc(kpi.Change))
                .Append("</td><td style=\"padding:4px 8px\"><span style=\"background:").Append(color)
                .Append(";color:#fff;border-radius:3px;padding:1px 6px;font-weight:bold\">").Append(Enc(label)).Append("</span></td></tr>");
        }

        html.Append("</table><h3 style=\"margin:8px 0 4px\">What changed</h3><ul>");
        foreach (var line in CalibrationPack.WhatChanged(data))
        {
            html.Append("<li>").Append(Enc(line)).Append("</li>");
        }

        html.Append("</ul>");
        html.Append("<p>").Append(Enc(EstimatedVsMeasured.Summary(data.Current.Overall))).Append("</p>");
        html.Append("<p>").Append(Enc(ExperimentSummary.Line(data.Experiments, data.Registry))).Append("</p>");
        html.Append("<p style=\"color:#616161;font-size:12px\">The full calibration pack is attached as PDF.</p></body></html>");
        return html.ToString();
    }

    /// <summary>Plain-text summary.</summary>
    public static string Text(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder();
        text.AppendLine(CalibrationPack.Title(data));
        foreach (var line in CalibrationPack.HeaderLines(data))
        {
            text.AppendLine(line);
        }

        text.AppendLine();
        foreach (var kpi in CalibrationPack.Kpis(data))
        {
            text.Append("- ").Append(kpi.Name).Append(": ").Append(kpi.ShowCurrent)
                .Append(" (target ").Append(kpi.Target?.Text ?? "none").Append(", last week ").Append(kpi.ShowPrevious)
                .Append(", ").Append(kpi.Change).Append(") ").AppendLine(kpi.StatusText);
        }

        text.AppendLine().AppendLine("What changed:");
        foreach (var line in CalibrationPack.WhatChanged(data))
        {
            text.Append("- ").AppendLine(line);
        }

        text.AppendLine().AppendLine(EstimatedVsMeasured.Summary(data.Current.Overall));
        text.AppendLine(ExperimentSummary.Line(data.Experiments, data.Registry));
        return text.AppendLine().AppendLine("The full calibration pack is attached as PDF.").ToString();
    }

    private static string Enc(string text) => WebUtility.HtmlEncode(text);
}
