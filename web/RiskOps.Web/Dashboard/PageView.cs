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

    /// <summary>Status cards (figure, comparison, target, red/amber/green).</summary>
    public IReadOnlyList<StatusCard> Cards { get; init; } = [];

    /// <summary>Charts, already rendered to SVG.</summary>
    public IReadOnlyList<ChartModel> Charts { get; init; } = [];

    /// <summary>Tables; each has a CSV download.</summary>
    public IReadOnlyList<TableModel> Tables { get; init; } = [];
}

/// <summary>A rendered chart.</summary>
/// <param name="Title">Caption and accessible name.</param>
/// <param name="Svg">The SVG markup (ScottPlot via <c>ChartRender.ToSvg</c>).</param>
internal sealed record ChartModel(string Title, string Svg);

/// <summary>Red/amber/green state of a figure against its target.</summary>
internal enum Rag
{
    NoData,
    Red,
    Amber,
    Green,
}

/// <summary>One figure of the overview: this week, last week, target and a sparkline of the trend.</summary>
internal sealed record StatusCard(string Name, string ThisWeek, string LastWeek, string Delta, string Target, Rag Rag, string? SparklineSvg);

/// <summary>A table cell: the text shown (and written to CSV) and an optional link.</summary>
internal sealed record Cell(string Text, string? Href = null, Rag? Rag = null)
{
    public static implicit operator Cell(string text) => new(text);
}

/// <summary>A table with an id unique on its page (the CSV file name).</summary>
internal sealed record TableModel(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<Cell>> Rows)
{
    /// <summary>Text shown when the table has no rows.</summary>
    public string Empty { get; init; } = "No data for these filters.";
}
