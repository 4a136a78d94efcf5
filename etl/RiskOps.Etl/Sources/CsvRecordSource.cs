using System.Text;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Sources;

/// <summary>
/// RFC 4180 CSV (UTF-8, header row). A small hand-written scanner rather than a library reader because the quarantine
/// needs the physical line number of every record, also when quoted fields span lines, and because contract v2 wants a
/// broken record to break alone: see <see cref="CsvScanner"/>.
/// </summary>
internal sealed class CsvRecordSource : IRecordSource
{
    private readonly CsvScanner _scanner;
    private readonly string[] _header;
    private readonly int[] _fieldOfColumn;
    private readonly bool[] _userIdColumn;
    private readonly bool _foreignUserId;
    private readonly long _headerLine;
    private readonly StringBuilder _render = new();

    private CsvRecordSource(CsvScanner scanner, string[] header, long headerLine, KindSchema schema)
    {
        _scanner = scanner;
        _header = header;
        _headerLine = headerLine;
        Schema = schema;
        _fieldOfColumn = header.Select(h => schema.IndexOf(h.Trim())).ToArray();
        _userIdColumn = header.Select(h => string.Equals(h.Trim(), "user_id", StringComparison.OrdinalIgnoreCase)).ToArray();
        _foreignUserId = schema.IndexOf("user_id") < 0 && _userIdColumn.Any(u => u);
        if (!_fieldOfColumn.Any(i => i >= 0))
        {
            throw new UnreadableInputException($"the CSV header has none of the {schema.Kind.LakeName()} fields");
        }
    }

    public KindSchema Schema { get; }

    /// <summary>Reads the header; <paramref name="kindFromHeader"/> infers the kind when none is given.</summary>
    public static CsvRecordSource Open(Stream stream, RecordKind? kind, Func<IReadOnlyCollection<string>, RecordKind> kindFromHeader)
    {
        var scanner = new CsvScanner(stream);
        var header = new List<string>();
        try
        {
            if (!scanner.ReadRecord(header))
            {
                throw new UnreadableInputException("the CSV file is empty (no header row)");
            }

            if (scanner.Error is not null)
            {
                throw new UnreadableInputException($"the CSV header is malformed ({scanner.Error})");
            }

            var headerArray = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
            var resolved = kind ?? kindFromHeader(headerArray);
            return new CsvRecordSource(scanner, headerArray, scanner.Line, KindSchemas.For(resolved));
        }
        catch
        {
            scanner.Dispose();
            throw;
        }
    }

    public IEnumerable<RawRecord> Read(CancellationToken cancellationToken)
    {
        var record = new RawRecord(Schema);
        var cells = new List<string>(_header.Length);
        var count = 0;
        while (_scanner.ReadRecord(cells))
        {
            if ((++count & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            record.Reset(_scanner.Line);
            record.Cells = cells;
            record.Bytes = _scanner.Bytes;
            record.ForeignUserId = _foreignUserId;
            if (_scanner.Error is not null)
            {
                record.Error = _scanner.Error;
                yield return record;
                continue;
            }

            if (cells.Count != _header.Length)
            {
                record.Error = $"the row has {cells.Count} columns, the header has {_header.Length}";
            }

            // Filled even for a malformed row, so the validator can still tell which fields were given.
            var width = Math.Min(cells.Count, _header.Length);
            for (var c = 0; c < width; c++)
            {
                var field = _fieldOfColumn[c];
                if (field >= 0)
                {
                    var cell = cells[c];
                    record.Values[field] = cell.Length == 0 ? null : cell;
                }
            }

            yield return record;
        }
    }

    public string? RenderLocatable(RawRecord record, Func<string, string> hashUserId)
    {
        // A row that did not split cleanly into the header's columns may hold the user id in any cell.
        if (record.Error is not null || _foreignUserId || record.Cells is not { } cells || cells.Count != _header.Length)
        {
            return null;
        }

        var builder = _render.Clear();
        for (var c = 0; c < cells.Count; c++)
        {
            if (c > 0)
            {
                builder.Append(',');
            }

            var cell = cells[c];
            if (_userIdColumn[c])
            {
                var trimmed = cell.Trim();
                cell = trimmed.Length == 0 ? string.Empty : hashUserId(trimmed);
            }

            AppendCell(builder, cell);
        }

        return builder.ToString();
    }

    public ReadOnlyMemory<byte> RawBytes(RawRecord record) => record.Bytes;

    public string? RawColumns => _rawColumns ??= System.Text.Json.JsonSerializer.Serialize(
        _header.Select(h => RecordKinds.All.Any(k => KindSchemas.For(k).IndexOf(h.Trim()) >= 0) ? h.Trim() : null).ToArray());

    private string? _rawColumns;

    public void Dispose() => _scanner.Dispose();

    // Column count only: read with an explicit kind, a file without a header row has a data row (a user id) here.
    public override string ToString() => $"csv header at line {_headerLine} ({_header.Length} columns)";

    private static void AppendCell(StringBuilder builder, string cell)
    {
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            builder.Append(cell);
            return;
        }

        builder.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}

/// <summary>
/// Splits RFC 4180 text into records of cells with their first physical line. Contract v2: a record spans lines only
/// inside quotes; a record over 1 MiB, a quote never closed, or a multi-line record that is malformed in any other way (a
/// stray quote, text after a closing quote, a NUL byte or invalid UTF-8 in a later line) breaks at its FIRST line, and
/// reading resumes at the next physical line. The lines read ahead to find that out (at most 1 MiB) are kept and read
/// again, so memory stays bounded whatever the file and no later record is swallowed.
/// </summary>
internal sealed class CsvScanner : IDisposable
{
    private readonly PhysicalLineReader _reader;
    private readonly PhysicalLine _current = new();
    private readonly LinkedList<PhysicalLine> _pushedBack = new();
    private readonly List<PhysicalLine> _ahead = [];
    private readonly StringBuilder _cell = new();
    private readonly StringBuilder _text = new();
    private byte[] _joined = new byte[1024];

    public CsvScanner(Stream stream)
    {
        _reader = new PhysicalLineReader(stream);
    }

    /// <summary>The first physical line of the last record read.</summary>
    public long Line { get; private set; }

    /// <summary>Why the last record is broken (never quoting its text), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The last record's bytes as delivered (valid until the next read): for a broken record, its first line only.</summary>
    public ReadOnlyMemory<byte> Bytes { get; private set; }

    /// <summary>Reads one record into <paramref name="cells"/>, skipping empty lines; false at the end of the input.</summary>
    public bool ReadRecord(List<string> cells)
    {
        cells.Clear();
        Error = null;
        PhysicalLine? first;
        do
        {
            first = NextLine();
            if (first is null)
            {
                return false;
            }
        }
        while (first.Length == 0 && !first.Oversize);

        Line = first.Number;
        Bytes = first.Memory;
        if (first.Defect() is { } defect)
        {
            Error = defect;
            return true;
        }

        var quotes = first.Span.Count((byte)'"');
        if ((quotes & 1) == 0)
        {
            Error = Split(Encoding.UTF8.GetString(first.Span), cells);
            return true;
        }

        // An odd number of quotes: the record goes on inside a quoted field. Read ahead, bounded by the record limit.
        var firstLine = first.Copy();
        _ahead.Clear();
        long total = first.Length + first.Terminator;
        string? broken = null;
        while (true)
        {
            var next = NextLine();
            if (next is null)
            {
                broken = $"a quoted field opened on line {firstLine.Number} is never closed";
                break;
            }

            var copy = next.Copy();
            _ahead.Add(copy);
            total += copy.Length + copy.Terminator;
            if (copy.Oversize || total > PhysicalLineReader.MaxRecordBytes)
            {
                broken = $"the record starting on line {firstLine.Number} is over 1 MiB (the record limit), or a quoted field opened there is never closed";
                break;
            }

            if (copy.Defect() is not null)
            {
                broken = $"a quoted field opened on line {firstLine.Number} runs into line {copy.Number}, which is broken";
                break;
            }

            quotes += copy.Span.Count((byte)'"');
            if ((quotes & 1) == 0)
            {
                break;
            }
        }

        if (broken is null)
        {
            var text = _text.Clear().Append(Encoding.UTF8.GetString(firstLine.Span)).Append(Terminator(firstLine));
            for (var i = 0; i < _ahead.Count; i++)
            {
                text.Append(Encoding.UTF8.GetString(_ahead[i].Span));
                if (i < _ahead.Count - 1)
                {
                    text.Append(Terminator(_ahead[i]));
                }
            }

            broken = Split(text.ToString(), cells);
            if (broken is null)
            {
                Bytes = Join(firstLine, _ahead);
                return true;
            }

            cells.Clear();
        }

        // Break at the first line and read the lines after it again as records of their own.
        for (var i = _ahead.Count - 1; i >= 0; i--)
        {
            _pushedBack.AddFirst(_ahead[i]);
        }

        _ahead.Clear();
        Error = broken;
        Bytes = firstLine.Memory;
        Split(Encoding.UTF8.GetString(firstLine.Span), cells);
        return true;
    }

    public void Dispose() => _reader.Dispose();

    private static string Terminator(PhysicalLine line) => line.Terminator == 2 ? "\r\n" : "\n";

    private PhysicalLine? NextLine()
    {
        if (_pushedBack.First is { } node)
        {
            _pushedBack.RemoveFirst();
            return node.Value;
        }

        return _reader.Next(_current) ? _current : null;
    }

    private ReadOnlyMemory<byte> Join(PhysicalLine first, List<PhysicalLine> rest)
    {
        var length = first.Length + first.Terminator + rest.Sum(l => l.Length + l.Terminator);
        if (_joined.Length < length)
        {
            _joined = new byte[Math.Max(length, _joined.Length * 2)];
        }

        var at = Write(first, _joined, 0, true);
        for (var i = 0; i < rest.Count; i++)
        {
            at = Write(rest[i], _joined, at, i < rest.Count - 1);
        }

        return _joined.AsMemory(0, at);
    }

    private static int Write(PhysicalLine line, byte[] target, int at, bool withTerminator)
    {
        line.Span.CopyTo(target.AsSpan(at));
        at += line.Length;
        if (withTerminator && line.Terminator > 0)
        {
            if (line.Terminator == 2)
            {
                target[at++] = (byte)'\r';
            }

            target[at++] = (byte)'\n';
        }

        return at;
    }

    /// <summary>Splits one record's text into cells; returns why it is malformed (never quoting it), or null.</summary>
    private string? Split(string text, List<string> cells)
    {
        cells.Clear();
        string? error = null;
        var i = 0;
        var n = text.Length;
        while (true)
        {
            if (i < n && text[i] == '"')
            {
                _cell.Clear();
                i++;
                var closed = false;
                while (i <= n)
                {
                    var quote = text.IndexOf('"', i);
                    if (quote < 0)
                    {
                        _cell.Append(text, i, n - i);
                        i = n;
                        break;
                    }

                    _cell.Append(text, i, quote - i);
                    if (quote + 1 < n && text[quote + 1] == '"')
                    {
                        _cell.Append('"');
                        i = quote + 2;
                        continue;
                    }

                    i = quote + 1;
                    closed = true;
                    break;
                }

                if (!closed)
                {
                    error ??= "a quoted field is never closed";
                }

                var end = text.IndexOf(',', i);
                var stop = end < 0 ? n : end;
                if (stop > i)
                {
                    error ??= "unexpected text after a closing quote";
                    _cell.Append(text, i, stop - i);
                }

                cells.Add(_cell.ToString());
                i = stop;
            }
            else
            {
                var end = text.IndexOf(',', i);
                var stop = end < 0 ? n : end;
                var cell = text.Substring(i, stop - i);
                if (cell.Contains('"', StringComparison.Ordinal))
                {
                    error ??= "a quote inside an unquoted field";
                }

                cells.Add(cell);
                i = stop;
            }

            if (i >= n)
            {
                return error;
            }

            i++; // the comma
        }
    }
}
