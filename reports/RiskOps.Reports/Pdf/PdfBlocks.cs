using ScottPlot;

namespace RiskOps.Reports.Pdf;

/// <summary>Red / amber / green status of a figure against its target; <see cref="None"/> when there is no target or no value.</summary>
public enum Rag
{
    /// <summary>No target, or no value to judge.</summary>
    None,

    /// <summary>Meets the target.</summary>
    Green,

    /// <summary>Misses the target by no more than the documented margin.</summary>
    Amber,

    /// <summary>Misses the target by more than the margin.</summary>
    Red,
}

/// <summary>Horizontal alignment of a table column.</summary>
public enum CellAlign
{
    /// <summary>Left-aligned (text).</summary>
    Left,

    /// <summary>Right-aligned (numbers).</summary>
    Right,
}

/// <summary>One element of a document, laid out top to bottom by <see cref="PdfRenderer"/>.</summary>
public abstract record PdfBlock;

/// <summary>A section (level 1, starts a new page when asked) or sub-section (level 2) title.</summary>
/// <param name="Text">The title.</param>
/// <param name="Level">1 or 2.</param>
/// <param name="NewPage">Start the heading on a fresh page.</param>
public sealed record Heading(string Text, int Level = 1, bool NewPage = false) : PdfBlock;

/// <summary>Wrapped text. Lines starting with "• " are indented as bullets.</summary>
/// <param name="Text">The text; '\n' starts a new line.</param>
/// <param name="Size">Font size in points.</param>
/// <param name="Bold">Bold face.</param>
/// <param name="Muted">Grey text (notes, "no data" statements).</param>
public sealed record Paragraph(string Text, float Size = 9.5f, bool Bold = false, bool Muted = false) : PdfBlock;

/// <summary>A table column.</summary>
/// <param name="Header">Header text.</param>
/// <param name="Weight">Relative width.</param>
/// <param name="Align">Alignment of the column's cells.</param>
public sealed record TableColumn(string Header, float Weight = 1, CellAlign Align = CellAlign.Left);

/// <summary>A table cell: text, optionally drawn as a RAG badge.</summary>
/// <param name="Text">The text (wrapped within the column).</param>
/// <param name="Badge">When not <see cref="Rag.None"/> the text sits on a coloured pill.</param>
public sealed record TableCell(string Text, Rag Badge = Rag.None)
{
    /// <summary>A plain text cell.</summary>
    public static implicit operator TableCell(string text) => new(text);
}

/// <summary>A table with a header row repeated on every page it spans; rows never split across pages.</summary>
/// <param name="Columns">The columns.</param>
/// <param name="Rows">The rows, one cell per column.</param>
/// <param name="EmptyText">Shown instead of the table when there are no rows.</param>
/// <param name="FontSize">Font size in points (wide tables use a smaller one).</param>
public sealed record Table(
    IReadOnlyList<TableColumn> Columns,
    IReadOnlyList<IReadOnlyList<TableCell>> Rows,
    string EmptyText = "No rows for this period.",
    float FontSize = 8f) : PdfBlock;

/// <summary>One or more charts side by side, as vector drawings.</summary>
/// <param name="Plots">The charts, drawn left to right with equal widths.</param>
/// <param name="Height">Height in points.</param>
/// <param name="Slots">The row is divided into this many equal slots (at least one per plot), filled from the left.</param>
/// <param name="Weights">Relative widths, one per plot (null: equal slots); a wide trend beside a small matrix.</param>
public sealed record ChartRow(IReadOnlyList<Plot> Plots, float Height = 210, int Slots = 2, IReadOnlyList<float>? Weights = null) : PdfBlock;

/// <summary>
/// Blocks that stay on one page (a case type's heading, note and charts): moved whole to the next page when they do not
/// fit. A run of consecutive groups is balanced over the pages it needs, so its last page never holds one group alone
/// while the pages before it are full.
/// </summary>
/// <param name="Blocks">The blocks of the group (headings, paragraphs, chart rows, short tables).</param>
public sealed record KeepTogether(IReadOnlyList<PdfBlock> Blocks) : PdfBlock;

/// <summary>Vertical space.</summary>
/// <param name="Height">Points.</param>
public sealed record Spacer(float Height) : PdfBlock;

/// <summary>The whole document: metadata, running header and footer, and the blocks.</summary>
/// <param name="Title">Document title (first header line, PDF metadata).</param>
/// <param name="HeaderLines">Further header lines printed on every page (period, scope, cut-off...).</param>
/// <param name="FooterText">Left footer text; the right footer is "Page n of N".</param>
/// <param name="Blocks">The content.</param>
/// <param name="Created">Creation time written into the PDF metadata (from the injected clock, so output is reproducible).</param>
public sealed record PdfDocumentSpec(
    string Title,
    IReadOnlyList<string> HeaderLines,
    string FooterText,
    IReadOnlyList<PdfBlock> Blocks,
    DateTimeOffset Created);
