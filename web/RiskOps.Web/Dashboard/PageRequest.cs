using System.Globalization;
using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;
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
    /// <summary>The period under review: the selected week (default: the last complete one), with its comparison and trend.</summary>
    public ReviewPeriod Period { get; } = ReviewPeriod.From(Filters.Metrics, AsOf);

    /// <summary>
    /// The filters the page's figures use: the URL filters narrowed to the period under review (so every page — the
    /// cluster list too — shows the same week). The query string stays the user's, so links keep what they typed.
    /// </summary>
    public DashboardFilters Filters { get; } = Filters with { Metrics = ReviewPeriod.From(Filters.Metrics, AsOf).Current };

    /// <summary>The filters as the user gave them, without the review period (the work list is about now, not a week).</summary>
    public DashboardFilters UrlFilters { get; } = Filters;

    /// <summary>A link to another dashboard page keeping the filters.</summary>
    public string Link(string path) => path + Filters.QueryString;

    /// <summary>The figures of the previous period (null when the period has none to compare with).</summary>
    public MetricsReport? PreviousMetrics(MetricsDetail detail = MetricsDetail.Overview) =>
        Period.Previous is { } previous ? Data.Metrics(previous, AsOf, detail) : null;

    /// <summary>The weekly figures of the trend (8 weeks ending with the selected week, or the weeks of a range), one per week label, oldest first.</summary>
    public IReadOnlyList<(string Week, MetricSet? Set)> Trend(MetricsDetail detail = MetricsDetail.Overview)
    {
        var byWeek = Data.Metrics(Period.Trend, AsOf, detail).ByWeek;
        var weeks = Period.TrendWeeks.Count > 0 ? Period.TrendWeeks : byWeek.Select(w => w.Week ?? "").ToList();
        return weeks.Select(w => (w, byWeek.FirstOrDefault(s => s.Week == w))).ToList();
    }

    /// <summary>The CSV file name of a table: page, table, scope and period (<c>overview-by_case_type-ATO-2026-W46.csv</c>).</summary>
    public string CsvFileName(string page, string table)
    {
        var m = Filters.Metrics;
        var scope = new List<string>();
        scope.AddRange(m.CaseTypes);
        scope.AddRange(m.Vendors);
        scope.AddRange(m.Regions);
        scope.AddRange(m.ModelVersions.Select(v => "model-" + v));
        var name = string.Join('-', [page, table, scope.Count == 0 ? "all" : string.Join('-', scope), Period.Slug]);
        var safe = new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-').ToArray());
        return (safe.Length > 150 ? safe[..150] : safe) + ".csv";
    }
}

/// <summary>
/// The period a page reviews. Without a period filter: the last complete UTC ISO week before the as-of (the weekly
/// review), compared with the week before, with the 8 weeks ending there as trend. With <c>week=2026-W48</c>: that week,
/// the same comparison and trend. With <c>from</c>/<c>to</c> (or several weeks): the range as given, compared with the
/// range of the same length just before it when both ends are set, the range's weeks as trend.
/// </summary>
/// <param name="Label">The period in words: "2026-W47 (2026-11-16 – 2026-11-22, UTC)".</param>
/// <param name="Short">A short name for cards: "2026-W47", "2026-11-01 – 2026-11-28".</param>
/// <param name="Slug">For file names: "2026-W47", "2026-11-01_2026-11-28", "all".</param>
/// <param name="Current">The filters of the period.</param>
/// <param name="Previous">The filters of the period compared with, or null.</param>
/// <param name="PreviousShort">The short name of the previous period, or null.</param>
/// <param name="Trend">The filters of the trend.</param>
/// <param name="TrendWeeks">The trend's week labels, oldest first (empty for a range: its weeks with data).</param>
/// <param name="InProgress">The period contains the as-of: its week is not over, figures will still move.</param>
/// <param name="IsDefault">No period filter was given: the last complete week was chosen.</param>
/// <param name="Week">The selected week, or null for a range.</param>
internal sealed record ReviewPeriod(
    string Label, string Short, string Slug, MetricFilters Current, MetricFilters? Previous, string? PreviousShort, MetricFilters Trend,
    IReadOnlyList<string> TrendWeeks, bool InProgress, bool IsDefault, string? Week)
{
    /// <summary>Weeks in a trend.</summary>
    public const int TrendLength = 8;

    /// <summary>The period for the URL filters at an as-of instant.</summary>
    public static ReviewPeriod From(MetricFilters filters, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var asOfWeek = ReportPeriod.Containing(DateOnly.FromDateTime(asOf.UtcDateTime));
        var noPeriod = filters.Weeks.Count == 0 && filters.From is null && filters.To is null;
        if (noPeriod || (filters.Weeks.Count == 1 && filters.From is null && filters.To is null))
        {
            var week = noPeriod ? asOfWeek.Previous : ReportPeriod.Parse(filters.Weeks[0]);
            var inProgress = week.Start <= asOfWeek.Start && week.Week == asOfWeek.Week;
            var trailing = week.Trailing(TrendLength).Select(p => p.Week).ToList();
            var label = $"{week.Week} ({Day(week.Start)} – {Day(week.End)}, UTC)" + (inProgress ? " — in progress" : "");
            return new ReviewPeriod(
                label, week.Week, week.Week,
                filters with { Weeks = [week.Week] },
                filters with { Weeks = [week.Previous.Week] }, week.Previous.Week,
                filters with { Weeks = trailing }, trailing, inProgress, noPeriod, week.Week);
        }

        if (filters.Weeks.Count > 0)
        {
            var weeks = filters.Weeks.Order(StringComparer.Ordinal).ToList();
            var text = string.Join(", ", weeks);
            return new ReviewPeriod($"weeks {text}", text, string.Join('_', weeks), filters, null, null, filters, weeks,
                weeks.Contains(asOfWeek.Week), false, null);
        }

        var from = filters.From;
        var to = filters.To;
        var rangeText = $"{(from is { } f ? Day(f) : "…")} – {(to is { } t ? Day(t) : "…")}";
        MetricFilters? previous = null;
        string? previousText = null;
        if (from is { } start && to is { } end)
        {
            var days = end.DayNumber - start.DayNumber + 1;
            previous = filters with { From = start.AddDays(-days), To = start.AddDays(-1) };
            previousText = $"{Day(start.AddDays(-days))} – {Day(start.AddDays(-1))}";
        }

        var asOfDay = DateOnly.FromDateTime(asOf.UtcDateTime);
        return new ReviewPeriod(
            $"scored {rangeText} (UTC)", rangeText, $"{(from is { } a ? Day(a) : "start")}_{(to is { } b ? Day(b) : "end")}",
            filters, previous, previousText, filters, [], to is null || to >= asOfDay, false, null);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Chart rendering shared by the page builders (the same ScottPlot charts as the PDF pack).</summary>
internal static class Charts
{
    /// <summary>Builds and renders one chart as SVG.</summary>
    public static ChartModel Svg(string title, Plot plot, int width = 560, int height = 320)
    {
        // Rendering is the page's own CPU work: a request past its deadline (or whose client left) draws nothing more.
        RiskOps.Sql.Warehouse.FlowCancellationToken.ThrowIfCancellationRequested();
        return new(title, ChartRender.ToSvg(plot, width, height));
    }

    /// <summary>A KPI per week with axes, week labels and its target line.</summary>
    public static ChartModel Trend(string title, IReadOnlyList<(string Week, MetricSet? Set)> weeks, Kpi kpi) =>
        Svg(title, QualityCharts.WeeklyTrend(title, weeks.Select(w => (string?)w.Week).ToList(), weeks.Select(w => w.Set is null ? null : kpi.Value(w.Set)).ToList(), kpi), 480, 260);

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

    /// <summary>"2026-W46" → "W46".</summary>
    public static string Short(string? week) => week is { Length: > 3 } && week[^3] == 'W' ? week[^3..] : week ?? "";
}
