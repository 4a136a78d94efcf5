using RiskOps.Reports.Kpis;

namespace RiskOps.Web.Dashboard;

/// <summary>What one dashboard page shows: sections of status cards, charts and tables, rendered by one generic Razor page.</summary>
/// <param name="Key">The page key (<c>overview</c>, <c>model</c>, ...), also its URL segment and the CSV export prefix.</param>
/// <param name="Title">The page title.</param>
/// <param name="Intro">One line under the title that says what the figures cover.</param>
/// <param name="Sections">The sections in display order.</param>
internal sealed record PageView(string Key, string Title, string Intro, IReadOnlyList<Section> Sections)
{
    /// <summary>Every table on the page, for the CSV export.</summary>
    public IEnumerable<TableModel> Tables => Sections.SelectMany(s => s.Tables);
}

/// <summary>One titled block of a page.</summary>
internal sealed record Section(string Title)
{
    /// <summary>A short explanation under the title.</summary>
    public string? Note { get; init; }

    /// <summary>Bullet lines (the "what changed" narrative).</summary>
    public IReadOnlyList<string> Bullets { get; init; } = [];

    /// <summary>Status cards (figure, comparison, target, red/amber/green).</summary>
    public IReadOnlyList<StatusCard> Cards { get; init; } = [];

    /// <summary>Charts, already rendered to SVG.</summary>
    public IReadOnlyList<ChartModel> Charts { get; init; } = [];

    /// <summary>Tables; each has a CSV download.</summary>
    public IReadOnlyList<TableModel> Tables { get; init; } = [];

    /// <summary>A GET form shown under the note (the Calibration page's what-if); null when none.</summary>
    public FormModel? Form { get; init; }
}

/// <summary>A GET form on a page: its fields, the hidden ones that keep the page's filters, and the button.</summary>
internal sealed record FormModel(string Id, string Action, IReadOnlyList<FormField> Fields, IReadOnlyList<KeyValuePair<string, string>> Hidden, string Submit)
{
    /// <summary>An error about the submitted values, shown above the fields.</summary>
    public string? Error { get; init; }
}

/// <summary>One text input of a <see cref="FormModel"/>; the server checks the value (an error is shown, never a 500).</summary>
internal sealed record FormField(string Name, string Label, string Value, string Placeholder);

/// <summary>A rendered chart.</summary>
/// <param name="Title">Caption and accessible name.</param>
/// <param name="Svg">The SVG markup (ScottPlot via <c>ChartRender.ToSvg</c>).</param>
internal sealed record ChartModel(string Title, string Svg);

/// <summary>One figure of the overview: the period's value with its n, the comparison, the target and an 8-week trend.</summary>
/// <param name="Name">The KPI name.</param>
/// <param name="Definition">The catalogue's definition (tooltip).</param>
/// <param name="Period">The period the value covers ("2026-W47").</param>
/// <param name="Value">The value as text.</param>
/// <param name="N">"n = 412 labeled blocks", or "n < 30 (12 …)".</param>
/// <param name="Compare">The previous period's value with its n.</param>
/// <param name="Delta">The change, marked significant or not.</param>
/// <param name="Target">The target as text ("no target" when none).</param>
/// <param name="Status">Red/amber/green, or no status (n &lt; 30, no target, no data).</param>
/// <param name="SparklineSvg">The trend line, or null.</param>
/// <param name="SparklineCaption">The weeks the trend spans ("W40 – W47").</param>
internal sealed record StatusCard(
    string Name, string Definition, string Period, string Value, string N, string Compare, string Delta, string Target,
    KpiStatus Status, string? SparklineSvg, string? SparklineCaption);

/// <summary>A table cell: the text shown (and written to CSV), an optional link, status, n and sparkbar.</summary>
internal sealed record Cell(string Text, string? Href = null, KpiStatus? Status = null)
{
    /// <summary>The n behind a ratio (shown beside it; a <c>_n</c> column in CSV).</summary>
    public long? N { get; init; }

    /// <summary>A 0..1 share drawn as a small bar beside the text (per-reviewer quality).</summary>
    public double? Bar { get; init; }

    public static implicit operator Cell(string text) => new(text);

    /// <summary>A KPI's value in a metric set, with its status and n.</summary>
    public static Cell Of(Kpi kpi, RiskOps.Sql.Model.MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(set);
        return new Cell(kpi.Show(kpi.Value(set), Format.None), Status: kpi.Status(set)) { N = kpi.Census ? null : kpi.N(set) };
    }
}

/// <summary>
/// A table with an id unique on its page (the CSV file name). <see cref="Columns"/> are machine keys (snake_case, the
/// CSV header, stable for scripts); the page shows <see cref="ColumnHeaders.Friendly"/> names with units.
/// </summary>
internal sealed record TableModel(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<Cell>> Rows)
{
    /// <summary>Text shown when the table has no rows.</summary>
    public string Empty { get; init; } = "No data for these filters.";

    /// <summary>The columns whose cells carry an n: CSV adds a <c>{column}_n</c> column for each, after the shown ones.</summary>
    public IReadOnlyList<int> NColumns => Enumerable.Range(0, Columns.Count).Where(i => Rows.Any(r => i < r.Count && r[i].N is not null)).ToList();

    /// <summary>The CSV header: the columns, then one <c>_n</c> column per ratio column.</summary>
    public IReadOnlyList<string> CsvColumns => [.. Columns, .. NColumns.Select(i => Columns[i] + "_n")];

    /// <summary>The CSV rows: the cells' text, then the n of each ratio column (empty when none).</summary>
    public IEnumerable<IReadOnlyList<string>> CsvRows
    {
        get
        {
            var nColumns = NColumns;
            return Rows.Select(r => (IReadOnlyList<string>)
            [
                .. r.Select(c => c.Text),
                .. nColumns.Select(i => i < r.Count && r[i].N is { } n ? Format.Count(n) : ""),
            ]);
        }
    }
}
