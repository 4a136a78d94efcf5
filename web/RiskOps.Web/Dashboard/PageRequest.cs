using System.Globalization;
using RiskOps.Reports.Charts;
using ScottPlot;

namespace RiskOps.Web.Dashboard;

/// <summary>Everything a page builder needs for one request.</summary>
/// <param name="Data">The warehouse access.</param>
/// <param name="Filters">The URL filters.</param>
/// <param name="AsOf">The as-of instant (open cases are aged to it).</param>
/// <param name="Query">The raw query (page-specific keys such as <c>cluster</c>).</param>
/// <param name="Services">Request services, for the few pages that need more (the Data page's job storage).</param>
internal sealed record PageRequest(DashboardData Data, DashboardFilters Filters, DateTimeOffset AsOf, IQueryCollection Query, IServiceProvider Services)
{
    /// <summary>A link to another dashboard page keeping the filters.</summary>
    public string Link(string path) => path + Filters.QueryString;
}

/// <summary>Chart rendering shared by the page builders (the same ScottPlot charts as the PDF pack).</summary>
internal static class Charts
{
    /// <summary>Builds and renders one chart as SVG.</summary>
    public static ChartModel Svg(string title, Plot plot, int width = 560, int height = 320) =>
        new(title, ChartRender.ToSvg(plot, width, height));

    /// <summary>A trend line of one figure over weeks, chart-sized.</summary>
    public static ChartModel Trend(string title, IEnumerable<double?> values) =>
        new(title, ChartRender.ToSvg(QualityCharts.Sparkline(values.ToList()), 360, 110));

    /// <summary>A small trend line of one figure over weeks.</summary>
    public static string Sparkline(IEnumerable<double?> values) =>
        ChartRender.ToSvg(QualityCharts.Sparkline(values.ToList()), 160, 40);
}

/// <summary>UTC ISO week arithmetic on <c>YYYY-Www</c> labels.</summary>
internal static class IsoWeeks
{
    /// <summary>The week before (<c>2026-W01</c> → <c>2025-W52</c> or <c>W53</c>).</summary>
    public static string? Previous(string? week)
    {
        if (week is null || week.Length != 8 || week[4] != '-' || week[5] != 'W'
            || !int.TryParse(week.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(week.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var monday = ISOWeek.ToDateTime(year, number, DayOfWeek.Monday).AddDays(-7);
        return Label(monday);
    }

    /// <summary>The UTC ISO week label of a date.</summary>
    public static string Label(DateTime utcDate) =>
        $"{ISOWeek.GetYear(utcDate).ToString("D4", CultureInfo.InvariantCulture)}-W{ISOWeek.GetWeekOfYear(utcDate).ToString("D2", CultureInfo.InvariantCulture)}";
}
