using System.Text.Unicode;

namespace RiskOps.Etl.Sources;

/// <summary>
/// One physical line of a text delivery, as bytes. A line longer than <see cref="PhysicalLineReader.MaxRecordBytes"/> keeps
/// only its first <see cref="PhysicalLineReader.MaxRecordBytes"/> bytes (<see cref="Oversize"/>): the rest is skipped
/// unread into memory, so one endless line cannot grow the process.
/// </summary>
internal sealed class PhysicalLine
{
    public byte[] Buffer { get; set; } = new byte[1024];

    /// <summary>Bytes of the line in <see cref="Buffer"/>, without its terminator.</summary>
    public int Length { get; set; }

    /// <summary>0 (end of input), 1 (<c>\n</c>) or 2 (<c>\r\n</c>).</summary>
    public int Terminator { get; set; }

    /// <summary>The line was longer than the record limit and was cut.</summary>
    public bool Oversize { get; set; }

    /// <summary>1-based physical line number.</summary>
    public long Number { get; set; }

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>The line's trouble as a reason (never quoting its text), or null when it is sound UTF-8 text.</summary>
    public string? Defect()
    {
        if (Oversize)
        {
            return $"line {Number} is over 1 MiB (the record limit)";
        }

        if (Span.IndexOf((byte)0) >= 0)
        {
            return $"line {Number} holds a NUL byte";
        }

        return Utf8.IsValid(Span) ? null : $"line {Number} is not valid UTF-8";
    }

    public PhysicalLine Copy() => new()
    {
        Buffer = Span.ToArray(),
        Length = Length,
        Terminator = Terminator,
        Oversize = Oversize,
        Number = Number,
    };
}

/// <summary>
/// Splits a stream into physical lines at <c>\n</c> (a <c>\r</c> before it belongs to the terminator), at byte level, so a
/// NUL byte or invalid UTF-8 spoils only its own line and every line number is exact. A UTF-8 byte-order mark at the
/// start is skipped. Memory is bounded by <see cref="MaxRecordBytes"/> whatever the input.
/// </summary>
internal sealed class PhysicalLineReader : IDisposable
{
    /// <summary>Contract v2: a record (NDJSON line, CSV record) is at most 1 MiB of bytes.</summary>
    public const int MaxRecordBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _pos;
    private int _len;
    private long _number;
    private bool _started;
    private bool _ended;

    public PhysicalLineReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Reads the next line into <paramref name="line"/>; false at the end of the input.</summary>
    public bool Next(PhysicalLine line)
    {
        if (_ended)
        {
            return false;
        }

        line.Length = 0;
        line.Oversize = false;
        line.Terminator = 0;
        var any = false;
        while (true)
        {
            if (_pos >= _len && !Fill())
            {
                _ended = true;
                if (!any)
                {
                    return false;
                }

                break;
            }

            any = true;
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var newline = span.IndexOf((byte)'\n');
            var chunk = newline >= 0 ? span[..newline] : span;
            Append(line, chunk);
            if (newline >= 0)
            {
                _pos += newline + 1;
                line.Terminator = 1;
                break;
            }

            _pos = _len;
        }

        if (line.Length > 0 && line.Buffer[line.Length - 1] == (byte)'\r' && line.Terminator == 1 && !line.Oversize)
        {
            line.Length--;
            line.Terminator = 2;
        }

        line.Number = ++_number;
        return true;
    }

    public void Dispose() => _stream.Dispose();

    private static void Append(PhysicalLine line, ReadOnlySpan<byte> chunk)
    {
        if (line.Oversize)
        {
            return;
        }

        var room = MaxRecordBytes - line.Length;
        if (chunk.Length > room)
        {
            chunk = chunk[..room];
            line.Oversize = true;
        }

        if (line.Buffer.Length < line.Length + chunk.Length)
        {
            var grown = new byte[Math.Min(MaxRecordBytes, Math.Max(line.Buffer.Length * 2, line.Length + chunk.Length))];
            line.Buffer.AsSpan(0, line.Length).CopyTo(grown);
            line.Buffer = grown;
        }

        chunk.CopyTo(line.Buffer.AsSpan(line.Length));
        line.Length += chunk.Length;
    }

    private bool Fill()
    {
        _len = _stream.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (!_started)
        {
            _started = true;
            if (_len >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                _pos = 3;
            }
        }

        return _len > _pos;
    }
}
