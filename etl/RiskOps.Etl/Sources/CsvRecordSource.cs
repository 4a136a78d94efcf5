using System.Text;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Sources;

/// <summary>
/// RFC 4180 CSV (UTF-8, header row). A small hand-written scanner rather than a library reader because the quarantine
/// needs the physical line number of every record, also when quoted fields span lines.
/// </summary>
internal sealed class CsvRecordSource : IRecordSource
{
    private readonly CsvScanner _scanner;
    private readonly string[] _header;
    private readonly int[] _fieldOfColumn;
    private readonly int _userIdColumn;
    private readonly long _headerLine;

    private CsvRecordSource(CsvScanner scanner, string[] header, long headerLine, KindSchema schema)
    {
        _scanner = scanner;
        _header = header;
        _headerLine = headerLine;
        Schema = schema;
        _fieldOfColumn = header.Select(h => schema.IndexOf(h.Trim())).ToArray();
        _userIdColumn = Array.FindIndex(header, h => string.Equals(h.Trim(), "user_id", StringComparison.OrdinalIgnoreCase));
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
        long line;
        try
        {
            if (!scanner.ReadRow(header, out line, out var error))
            {
                throw new UnreadableInputException("the CSV file is empty (no header row)");
            }

            if (error is not null)
            {
                throw new UnreadableInputException($"the CSV header is malformed: {error}");
            }
        }
        catch
        {
            scanner.Dispose();
            throw;
        }

        var headerArray = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        try
        {
            var resolved = kind ?? kindFromHeader(headerArray);
            return new CsvRecordSource(scanner, headerArray, line, KindSchemas.For(resolved));
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
        while (_scanner.ReadRow(cells, out var line, out var error))
        {
            if ((++count & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (cells.Count == 1 && cells[0].Length == 0 && error is null)
            {
                continue; // blank line
            }

            record.Reset(line);
            record.Cells = cells;
            if (error is not null)
            {
                record.Error = error;
            }
            else if (cells.Count != _header.Length)
            {
                record.Error = $"the row has {cells.Count} columns, the header has {_header.Length}";
            }

            // Filled even for a malformed row, so the quarantine can still find (and hash) its user id.
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

    public string RenderRaw(RawRecord record, string? clearUserId, string? hashedUserId)
    {
        var cells = record.Cells ?? [];
        var builder = new StringBuilder();
        for (var c = 0; c < cells.Count; c++)
        {
            if (c > 0)
            {
                builder.Append(',');
            }

            // The user id is never written in clear, not even to the quarantine.
            var cell = c == _userIdColumn && hashedUserId is not null ? hashedUserId : cells[c];
            AppendCell(builder, cell);
        }

        return builder.ToString();
    }

    public void Dispose() => _scanner.Dispose();

    public override string ToString() => $"csv header at line {_headerLine}: {string.Join(',', _header)}";

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

/// <summary>Splits RFC 4180 text into rows of cells and tracks physical line numbers.</summary>
internal sealed class CsvScanner : IDisposable
{
    private readonly StreamReader _reader;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _cell = new();
    private int _pos;
    private int _len;
    private long _line = 1;
    private bool _previousWasCr;

    public CsvScanner(Stream stream)
    {
        _reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Reads one row into <paramref name="cells"/>; false at the end of the input.</summary>
    public bool ReadRow(List<string> cells, out long startLine, out string? error)
    {
        cells.Clear();
        error = null;
        startLine = _line;
        if (!EnsureData())
        {
            return false;
        }

        while (true)
        {
            // At the start of a cell.
            if (!EnsureData())
            {
                cells.Add(string.Empty);
                return true;
            }

            if (_buffer[_pos] == '"')
            {
                _pos++;
                if (!ReadQuoted(out var quoted))
                {
                    cells.Add(quoted);
                    error = $"a quoted field opened on line {startLine} is never closed";
                    return true;
                }

                // After the closing quote: a delimiter, a line end or the end of input; anything else is malformed.
                var trailing = ReadUnquoted();
                if (trailing.Length > 0)
                {
                    error ??= $"unexpected text after a closing quote: {Shorten(trailing)}";
                    quoted += trailing;
                }

                cells.Add(quoted);
            }
            else
            {
                var cell = ReadUnquoted();
                if (cell.Contains('"', StringComparison.Ordinal))
                {
                    error ??= $"a quote inside an unquoted field: {Shorten(cell)}";
                }

                cells.Add(cell);
            }

            if (!EnsureData())
            {
                return true;
            }

            var c = _buffer[_pos];
            if (c == ',')
            {
                _pos++;
                continue;
            }

            ConsumeLineEnd();
            return true;
        }
    }

    public void Dispose() => _reader.Dispose();

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private bool EnsureData()
    {
        if (_pos < _len)
        {
            return true;
        }

        try
        {
            _len = _reader.Read(_buffer, 0, _buffer.Length);
        }
        catch (DecoderFallbackException ex)
        {
            throw new UnreadableInputException($"the file is not UTF-8 text (near line {_line})", ex);
        }

        _pos = 0;
        if (_len > 0 && _buffer.AsSpan(0, _len).Contains('\0'))
        {
            throw new UnreadableInputException($"the file holds binary data (a NUL byte near line {_line}), not CSV text");
        }

        return _len > 0;
    }

    private void ConsumeLineEnd()
    {
        if (_buffer[_pos] == '\r')
        {
            _pos++;
            _line++;
            if (EnsureData() && _buffer[_pos] == '\n')
            {
                _pos++;
            }
        }
        else if (_buffer[_pos] == '\n')
        {
            _pos++;
            _line++;
        }
    }

    private string ReadUnquoted()
    {
        _cell.Clear();
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var stop = span.IndexOfAny(",\r\n");
            if (stop >= 0)
            {
                if (_cell.Length == 0)
                {
                    var text = new string(span[..stop]);
                    _pos += stop;
                    return text;
                }

                _cell.Append(span[..stop]);
                _pos += stop;
                return _cell.ToString();
            }

            _cell.Append(span);
            _pos = _len;
        }

        return _cell.ToString();
    }

    private bool ReadQuoted(out string value)
    {
        _cell.Clear();
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var quote = span.IndexOf('"');
            var chunk = quote >= 0 ? span[..quote] : span;
            foreach (var ch in chunk)
            {
                // A CR LF pair is one line break, also when a buffer refill splits it.
                if (ch == '\r' || (ch == '\n' && !_previousWasCr))
                {
                    _line++;
                }

                _previousWasCr = ch == '\r';
            }

            _cell.Append(chunk);
            if (quote < 0)
            {
                _pos = _len;
                continue;
            }

            _pos += quote + 1;
            _previousWasCr = false;
            if (EnsureData() && _buffer[_pos] == '"')
            {
                _cell.Append('"');
                _pos++;
                continue;
            }

            value = _cell.ToString();
            return true;
        }

        value = _cell.ToString();
        return false;
    }

}
