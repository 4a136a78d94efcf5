using System.Globalization;
using RiskOps.Reports.Charts;
using SkiaSharp;

namespace RiskOps.Reports.Pdf;

/// <summary>
/// A tiny layout engine on SkiaSharp's PDF backend: lays <see cref="PdfBlock"/>s out top to bottom on A4 pages with a
/// running header and a "Page n of N" footer. Text stays text (selectable, fonts embedded) and charts stay vector.
/// Layout runs first and records drawing operations per page, so the page count is known before anything is drawn.
/// </summary>
public static class PdfRenderer
{
    /// <summary>A4 width in points.</summary>
    public const float PageWidth = 595.28f;

    /// <summary>A4 height in points.</summary>
    public const float PageHeight = 841.89f;

    private const float Margin = 40f;
    private const float FooterHeight = 24f;
    private const float CellPadding = 3f;

    private static readonly SKColor _ink = new(0x21, 0x21, 0x21);
    private static readonly SKColor _muted = new(0x61, 0x61, 0x61);
    private static readonly SKColor _rule = new(0xbd, 0xbd, 0xbd);
    private static readonly SKColor _headerFill = new(0xec, 0xef, 0xf1);
    private static readonly SKColor _stripeFill = new(0xf7, 0xf8, 0xf9);

    /// <summary>Renders the document as a PDF into <paramref name="output"/>; returns the page count.</summary>
    public static int Render(PdfDocumentSpec spec, Stream output)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        ReportFonts.EnsureRegistered();
        var pages = new Layout(spec).Run();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = spec.Title,
            Creator = "RiskOps Analytics",
            Producer = "RiskOps Analytics (SkiaSharp PDF)",
            Creation = spec.Created.UtcDateTime,
            Modified = spec.Created.UtcDateTime,
            RasterDpi = 150,
        };
        using var document = SKDocument.CreatePdf(output, metadata);
        for (var i = 0; i < pages.Count; i++)
        {
            var canvas = document.BeginPage(PageWidth, PageHeight);
            DrawHeader(canvas, spec);
            DrawFooter(canvas, spec, i + 1, pages.Count);
            foreach (var op in pages[i])
            {
                op(canvas);
            }

            document.EndPage();
        }

        document.Close();
        return pages.Count;
    }

    /// <summary>Renders the document to bytes.</summary>
    public static byte[] RenderToBytes(PdfDocumentSpec spec)
    {
        using var stream = new MemoryStream();
        Render(spec, stream);
        return stream.ToArray();
    }

    private static float HeaderHeight(PdfDocumentSpec spec) => 22 + 11 * spec.HeaderLines.Count + 8;

    private static void DrawHeader(SKCanvas canvas, PdfDocumentSpec spec)
    {
        var y = Margin - 10;
        DrawText(canvas, spec.Title, Margin, y + 12, 12, bold: true, _ink);
        y += 22;
        foreach (var line in spec.HeaderLines)
        {
            DrawText(canvas, line, Margin, y + 8, 8, bold: false, _muted);
            y += 11;
        }

        using var paint = new SKPaint { Color = _rule, StrokeWidth = 0.8f, IsAntialias = true };
        canvas.DrawLine(Margin, y + 3, PageWidth - Margin, y + 3, paint);
    }

    private static void DrawFooter(SKCanvas canvas, PdfDocumentSpec spec, int page, int pages)
    {
        var y = PageHeight - Margin + 10;
        using var paint = new SKPaint { Color = _rule, StrokeWidth = 0.8f, IsAntialias = true };
        canvas.DrawLine(Margin, y - 12, PageWidth - Margin, y - 12, paint);
        DrawText(canvas, spec.FooterText, Margin, y, 7.5f, bold: false, _muted);
        var label = string.Create(CultureInfo.InvariantCulture, $"Page {page} of {pages}");
        var width = Measure(label, 7.5f, bold: false);
        DrawText(canvas, label, PageWidth - Margin - width, y, 7.5f, bold: false, _muted);
    }

    internal static SKFont Font(float size, bool bold) => new(bold ? ReportFonts.Bold : ReportFonts.Regular, size)
    {
        Subpixel = true,
        Edging = SKFontEdging.Antialias,
    };

    internal static float Measure(string text, float size, bool bold)
    {
        using var font = Font(size, bold);
        return font.MeasureText(text);
    }

    private static void DrawText(SKCanvas canvas, string text, float x, float baseline, float size, bool bold, SKColor color)
    {
        if (text.Length == 0)
        {
            return;
        }

        using var font = Font(size, bold);
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, baseline, font, paint);
    }

    private static readonly char[] SoftBreaks = ['.', '_', '-', '/', ',', '+', ':'];

    /// <summary>Greedy word wrap; a word longer than the width breaks after a separator ('.', '_', …), by characters only when no separator fits.</summary>
    internal static List<string> Wrap(string text, float size, bool bold, float width)
    {
        var lines = new List<string>();
        using var font = Font(size, bold);
        foreach (var rawLine in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var current = "";
            foreach (var word in Words(rawLine))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (font.MeasureText(candidate) <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (current.Length > 1 && font.MeasureText(current) > width)
                {
                    // A code such as ATO.new_device_overweighted breaks after a '.', '_', '-', '/' or ',' that fits,
                    // never inside a word part; only a part wider than the column is cut by characters.
                    var cut = current.Length - 1;
                    while (cut > 1 && font.MeasureText(current[..cut]) > width)
                    {
                        cut--;
                    }

                    var soft = current.LastIndexOfAny(SoftBreaks, cut - 1);
                    if (soft > 0)
                    {
                        cut = soft + 1;
                    }

                    lines.Add(current[..cut]);
                    current = current[cut..];
                }
            }

            lines.Add(current);
        }

        return lines;
    }

    /// <summary>Splits on spaces but keeps a unit ("%", "pts", "h") with its number, so "96.1 %" never breaks, and "n &lt; 30" and "n = 109" together.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        foreach (var token in line.Split(' '))
        {
            // "(n < 30)" and "(n = 109)" stay one group too: a wrapped "(n <" / "30)" reads as noise.
            if (words.Count > 0 && (token.StartsWith('%') || token is "pts" or "pts)" or "h" or "<" or "=" || words[^1].EndsWith('<') || words[^1].EndsWith('=')))
            {
                words[^1] += " " + token;
            }
            else
            {
                words.Add(token);
            }
        }

        return words;
    }

    private static SKColor BadgeColor(Rag rag) => rag switch
    {
        Rag.Green => new SKColor(0x2e, 0x7d, 0x32),
        Rag.Amber => new SKColor(0xef, 0x8f, 0x00),
        Rag.Red => new SKColor(0xc6, 0x28, 0x28),
        _ => new SKColor(0x90, 0xa4, 0xae),
    };

    /// <summary>Places blocks on pages; each page is a list of deferred drawing operations.</summary>
    private sealed class Layout(PdfDocumentSpec spec)
    {
        private readonly List<List<Action<SKCanvas>>> _pages = [];
        private readonly float _top = Margin + HeaderHeight(spec);
        private readonly float _bottom = PageHeight - Margin - FooterHeight;
        private readonly float _width = PageWidth - 2 * Margin;
        private float _y;

        private List<Action<SKCanvas>> Page => _pages[^1];

        public List<List<Action<SKCanvas>>> Run()
        {
            NewPage();
            PlaceBlocks(spec.Blocks);
            return _pages;
        }

        private void PlaceBlocks(IReadOnlyList<PdfBlock> blocks)
        {
            for (var i = 0; i < blocks.Count; i++)
            {
                switch (blocks[i])
                {
                    case Heading heading:
                        PlaceHeading(heading, KeepWithHeading(blocks, i));
                        break;
                    case Paragraph paragraph:
                        PlaceParagraph(paragraph);
                        break;
                    case Table table:
                        PlaceTable(table);
                        break;
                    case ChartRow row:
                        PlaceCharts(row);
                        break;
                    case KeepTogether:
                        var end = i;
                        while (end + 1 < blocks.Count && blocks[end + 1] is KeepTogether)
                        {
                            end++;
                        }

                        PlaceGroups(blocks.Skip(i).Take(end - i + 1).Cast<KeepTogether>().ToList());
                        i = end;
                        break;
                    case Spacer spacer:
                        _y = Math.Min(_bottom, _y + spacer.Height);
                        break;
                    default:
                        throw new NotSupportedException($"unknown block {blocks[i].GetType().Name}");
                }
            }
        }

        /// <summary>
        /// Places a run of groups, each whole on one page, balanced: with the fewest pages greedy filling needs, the least
        /// page height that still needs no more pages, so 5 groups of which 3 fit a page land as 3 + 2, and 4 as 2 + 2 — never
        /// a last page holding one group below a full one. A group taller than a page flows like ungrouped blocks.
        /// </summary>
        private void PlaceGroups(List<KeepTogether> groups)
        {
            var heights = groups.Select(MeasureGroup).ToList();
            var full = _bottom - _top;
            var first = _y > _top ? _bottom - _y : full;
            var fitting = heights.Where(h => h <= full).DefaultIfEmpty(0).Max();
            var pages = Pages(heights, first, full, full);
            var (low, high) = (Math.Max(fitting, 1f), full);
            for (var step = 0; step < 24 && high - low > 0.5f; step++)
            {
                var mid = (low + high) / 2;
                if (Pages(heights, first, full, mid) <= pages)
                {
                    high = mid;
                }
                else
                {
                    low = mid;
                }
            }

            var limit = high;
            var used = 0f;
            var capacity = Math.Min(first, limit);
            for (var g = 0; g < groups.Count; g++)
            {
                var height = heights[g];
                if (height > full)
                {
                    PlaceBlocks(groups[g].Blocks);
                    used = 0;
                    capacity = _bottom - _y;
                    continue;
                }

                if (used + height > capacity + 0.01f && (used > 0 || _y > _top))
                {
                    NewPage();
                    used = 0;
                    capacity = limit;
                }

                var start = _y;
                PlaceBlocks(groups[g].Blocks);
                used += _y - start;
            }
        }

        /// <summary>Pages a greedy fill of the groups takes when a page holds at most <paramref name="limit"/> of them.</summary>
        private static int Pages(List<float> heights, float first, float full, float limit)
        {
            var pages = 1;
            var capacity = Math.Min(first, limit);
            var used = 0f;
            var fresh = first >= full;
            foreach (var height in heights)
            {
                if (height > full)
                {
                    pages += (int)Math.Ceiling(height / full);
                    used = 0;
                    capacity = limit;
                    fresh = true;
                    continue;
                }

                if (used + height > capacity + 0.01f && (used > 0 || !fresh))
                {
                    pages++;
                    used = 0;
                    capacity = limit;
                    fresh = true;
                }

                used += height;
            }

            return pages;
        }

        /// <summary>The height a group takes at the top of a page (laid out on a scratch page that is then dropped); beyond a page: infinity.</summary>
        private float MeasureGroup(KeepTogether group)
        {
            var pages = _pages.Count;
            var y = _y;
            NewPage();
            PlaceBlocks(group.Blocks);
            var height = _pages.Count == pages + 1 ? _y - _top : float.PositiveInfinity;
            _pages.RemoveRange(pages, _pages.Count - pages);
            _y = y;
            return height;
        }

        private void NewPage()
        {
            _pages.Add([]);
            _y = _top;
        }

        private void Ensure(float height)
        {
            if (_y + height > _bottom && _y > _top)
            {
                NewPage();
            }
        }

        /// <summary>
        /// The height a heading must keep with it: its paragraphs, the short tables after it and the first chart row or the
        /// start of the first long table (a case type's heading and note never sit at the foot of a page whose next page
        /// holds its charts; a section's short tables never leave one behind).
        /// </summary>
        private float KeepWithHeading(IReadOnlyList<PdfBlock> blocks, int index)
        {
            var height = 0f;
            var sawTable = false;
            for (var j = index + 1; j < blocks.Count; j++)
            {
                switch (blocks[j])
                {
                    case Paragraph p when !sawTable:
                        height += p.Text.Split('\n').Sum(line => Wrap(line, p.Size, p.Bold, _width).Count) * p.Size * 1.35f + 4;
                        continue;
                    case ChartRow row when !sawTable:
                        height += Math.Min(row.Height, _bottom - _top) + 8;
                        break;
                    case Table table when SmallTableHeight(table) is { } small:
                        // Short tables in a row under one heading stay together: a one-row table that moved on alone
                        // would be an orphan page. Charts after them may flow on.
                        height += small;
                        sawTable = true;
                        continue;
                    case Table when !sawTable:
                        height += 50;
                        break;
                }

                break;
            }

            return Math.Min(height, (_bottom - _top) * 0.6f);
        }

        /// <summary>The estimated height of a table short enough to keep on one page (a third of the page), else null.</summary>
        private float? SmallTableHeight(Table table)
        {
            var row = table.FontSize * 1.3f + 2 * CellPadding;
            var height = (Math.Max(1, table.Rows.Count) + 1.5f) * row + 8;
            return height <= (_bottom - _top) / 3 ? height : null;
        }

        private void PlaceHeading(Heading heading, float keep)
        {
            var size = heading.Level == 1 ? 15f : 11.5f;
            if (heading.NewPage && _y > _top)
            {
                NewPage();
            }

            // Keep a heading with what follows it (at least a few lines).
            Ensure(size + 20 + Math.Max(50, keep));
            _y += heading.Level == 1 ? 6 : 8;
            var baseline = _y + size;
            var text = heading.Text;
            Page.Add(c => DrawText(c, text, Margin, baseline, size, bold: true, _ink));
            _y = baseline + (heading.Level == 1 ? 9 : 6);
            if (heading.Level == 1)
            {
                var lineY = _y - 5;
                Page.Add(c =>
                {
                    using var paint = new SKPaint { Color = _ink, StrokeWidth = 1f, IsAntialias = true };
                    c.DrawLine(Margin, lineY, Margin + 60, lineY, paint);
                });
            }
        }

        private void PlaceParagraph(Paragraph paragraph)
        {
            var lineHeight = paragraph.Size * 1.35f;
            var color = paragraph.Muted ? _muted : _ink;
            foreach (var rawLine in paragraph.Text.Split('\n'))
            {
                var bullet = rawLine.StartsWith("• ", StringComparison.Ordinal);
                var indent = bullet ? 10f : 0f;
                var lines = Wrap(bullet ? rawLine[2..] : rawLine, paragraph.Size, paragraph.Bold, _width - indent);
                for (var i = 0; i < lines.Count; i++)
                {
                    Ensure(lineHeight);
                    var baseline = _y + paragraph.Size;
                    var line = lines[i];
                    var first = i == 0;
                    Page.Add(c =>
                    {
                        if (bullet && first)
                        {
                            DrawText(c, "•", Margin, baseline, paragraph.Size, paragraph.Bold, color);
                        }

                        DrawText(c, line, Margin + indent, baseline, paragraph.Size, paragraph.Bold, color);
                    });
                    _y += lineHeight;
                }
            }

            _y += 4;
        }

        private void PlaceTable(Table table)
        {
            if (table.Rows.Count == 0)
            {
                PlaceParagraph(new Paragraph(table.EmptyText, Muted: true));
                return;
            }

            var size = table.FontSize;
            var lineHeight = size * 1.3f;
            var widths = ColumnWidths(table, size);
            var xs = new float[widths.Length];
            for (var i = 1; i < xs.Length; i++)
            {
                xs[i] = xs[i - 1] + widths[i - 1];
            }

            var headerLines = table.Columns.Select((c, i) => Wrap(c.Header, size, true, widths[i] - 2 * CellPadding)).ToList();
            var headerHeight = headerLines.Max(l => l.Count) * lineHeight + 2 * CellPadding;

            void PlaceHeader()
            {
                var top = _y;
                Page.Add(c =>
                {
                    using var fill = new SKPaint { Color = _headerFill, Style = SKPaintStyle.Fill };
                    c.DrawRect(Margin, top, _width, headerHeight, fill);
                });
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    AddCellText(headerLines[i], top, i, bold: true, Rag.None);
                }

                _y += headerHeight;
            }

            void AddCellText(List<string> lines, float top, int column, bool bold, Rag badge)
            {
                var align = table.Columns[column].Align;
                for (var l = 0; l < lines.Count; l++)
                {
                    var text = lines[l];
                    var baseline = top + CellPadding + l * lineHeight + size;
                    var width = Measure(text, size, bold);
                    var x = Margin + xs[column] + (align == CellAlign.Right ? widths[column] - CellPadding - width : CellPadding);
                    if (badge != Rag.None)
                    {
                        var pill = new SKRect(x - 2.5f, baseline - size, x + width + 2.5f, baseline + 2.5f);
                        Page.Add(c =>
                        {
                            using var fill = new SKPaint { Color = BadgeColor(badge), Style = SKPaintStyle.Fill, IsAntialias = true };
                            c.DrawRoundRect(pill, 3, 3, fill);
                            DrawText(c, text, x, baseline, size, bold: true, SKColors.White);
                        });
                    }
                    else
                    {
                        Page.Add(c => DrawText(c, text, x, baseline, size, bold, _ink));
                    }
                }
            }

            // A short table is never split: one row left alone on the next page is an orphan.
            Ensure(SmallTableHeight(table) ?? headerHeight + lineHeight + 2 * CellPadding);
            PlaceHeader();
            for (var r = 0; r < table.Rows.Count; r++)
            {
                var row = table.Rows[r];
                var cellLines = table.Columns.Select((_, i) =>
                    i < row.Count ? Wrap(row[i].Text, size, row[i].Badge != Rag.None, widths[i] - 2 * CellPadding - (row[i].Badge != Rag.None ? 5 : 0)) : []).ToList();
                var height = Math.Max(1, cellLines.Max(l => l.Count)) * lineHeight + 2 * CellPadding;
                if (_y + height > _bottom)
                {
                    NewPage();
                    PlaceHeader();
                }

                var top = _y;
                if (r % 2 == 1)
                {
                    Page.Add(c =>
                    {
                        using var fill = new SKPaint { Color = _stripeFill, Style = SKPaintStyle.Fill };
                        c.DrawRect(Margin, top, _width, height, fill);
                    });
                }

                for (var i = 0; i < table.Columns.Count && i < row.Count; i++)
                {
                    AddCellText(cellLines[i], top, i, row[i].Badge != Rag.None, row[i].Badge);
                }

                _y += height;
                var ruleY = _y;
                Page.Add(c =>
                {
                    using var paint = new SKPaint { Color = _rule, StrokeWidth = 0.4f, IsAntialias = true };
                    c.DrawLine(Margin, ruleY, Margin + _width, ruleY, paint);
                });
            }

            _y += 8;
        }

        /// <summary>Widths by weight, but never narrower than the column's longest header word (headers wrap only between words).</summary>
        private float[] ColumnWidths(Table table, float size)
        {
            // A column is never narrower than its longest header word, nor than its longest cell word up to a cap
            // (identifiers like WITHDRAWAL_ANOMALY must not break; only very long ones do).
            var cap = _width * 0.36f;
            var minimum = table.Columns.Select((c, i) =>
            {
                var header = Words(c.Header).Max(w => Measure(w, size, bold: true));
                var cells = table.Rows.Where(r => i < r.Count).SelectMany(r => Words(r[i].Text).Select(w => Measure(w, size, r[i].Badge != Rag.None) + (r[i].Badge != Rag.None ? 5 : 0)))
                    .DefaultIfEmpty(0).Max();
                return Math.Max(header, Math.Min(cells, cap)) + 2 * CellPadding + 1;
            }).ToArray();
            var fixedColumns = new bool[table.Columns.Count];
            while (true)
            {
                var freeWeight = table.Columns.Where((_, i) => !fixedColumns[i]).Sum(c => c.Weight);
                var freeWidth = _width - minimum.Where((_, i) => fixedColumns[i]).Sum();
                var widths = table.Columns.Select((c, i) => fixedColumns[i] ? minimum[i] : freeWidth * c.Weight / freeWeight).ToArray();
                var tooNarrow = Enumerable.Range(0, widths.Length).Where(i => !fixedColumns[i] && widths[i] < minimum[i]).ToList();
                if (tooNarrow.Count == 0 || tooNarrow.Count + fixedColumns.Count(f => f) == widths.Length)
                {
                    return widths;
                }

                foreach (var i in tooNarrow)
                {
                    fixedColumns[i] = true;
                }
            }
        }

        private void PlaceCharts(ChartRow row)
        {
            if (row.Plots.Count == 0)
            {
                return;
            }

            const float gap = 12f;
            var height = Math.Min(row.Height, _bottom - _top);
            Ensure(height);
            var slots = Math.Max(row.Slots, row.Plots.Count);
            var weights = row.Weights is { } given && given.Count == row.Plots.Count && given.All(w => w > 0) ? given : null;
            var unit = weights is null ? (_width - gap * (slots - 1)) / slots : (_width - gap * (row.Plots.Count - 1)) / weights.Sum();
            var x = Margin;
            for (var i = 0; i < row.Plots.Count; i++)
            {
                var plot = row.Plots[i];
                var width = weights is null ? unit : unit * weights[i];
                var rect = SKRect.Create(x, _y, width, height);
                Page.Add(c => ChartRender.Draw(plot, c, rect));
                x += width + gap;
            }

            _y += height + 8;
        }
    }
}
