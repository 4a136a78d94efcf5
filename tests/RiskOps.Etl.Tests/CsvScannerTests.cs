using System.Text;
using RiskOps.Etl.Sources;

namespace RiskOps.Etl.Tests;

/// <summary>The CSV scanner alone, over generated input too large to hold: memory bounded whatever the file.</summary>
public sealed class CsvScannerTests
{
    [Fact]
    public void ReadRecord_UnclosedQuoteOnLine2Of120MegabyteStream_EveryOtherRecordReadAndNoneOverOneMiB()
    {
        const int rows = 1_300_000;
        using var stream = new GeneratedCsv(rows, brokenLine: 2);
        using var scanner = new CsvScanner(stream);
        var cells = new List<string>();
        long records = 0, broken = 0, maxBytes = 0, maxCells = 0;
        long lastLine = 0;

        while (scanner.ReadRecord(cells))
        {
            records++;
            if (scanner.Error is not null)
            {
                broken++;
                Assert.Equal(2, scanner.Line);
            }

            Assert.Equal(lastLine + 1, scanner.Line);
            lastLine = scanner.Line;
            maxBytes = Math.Max(maxBytes, scanner.Bytes.Length);
            maxCells = Math.Max(maxCells, cells.Sum(c => (long)c.Length));
        }

        Assert.True(stream.Position > 120_000_000, $"{stream.Position} bytes generated");
        Assert.Equal(rows + 1, records);
        Assert.Equal(1, broken);
        Assert.True(maxBytes < 200, $"largest record held: {maxBytes} bytes");
        Assert.True(maxCells < 200, $"largest record's cells: {maxCells} chars");
    }

    [Fact]
    public void ReadRecord_QuotedFieldSpanningLines_OneRecordWithItsFirstLineAndOriginalLineEnds()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("a,b\r\n1,\"x\r\ny\nz\"\r\n2,w\n"));
        using var scanner = new CsvScanner(stream);
        var cells = new List<string>();

        Assert.True(scanner.ReadRecord(cells));
        Assert.True(scanner.ReadRecord(cells));
        Assert.Null(scanner.Error);
        Assert.Equal(2, scanner.Line);
        Assert.Equal(["1", "x\r\ny\nz"], cells);
        Assert.Equal("1,\"x\r\ny\nz\"", Encoding.UTF8.GetString(scanner.Bytes.Span));
        Assert.True(scanner.ReadRecord(cells));
        Assert.Equal(5, scanner.Line);
        Assert.Equal(["2", "w"], cells);
        Assert.False(scanner.ReadRecord(cells));
    }

    /// <summary>A decisions-shaped CSV produced on the fly (nothing of it held), with a lone quote on one line.</summary>
    private sealed class GeneratedCsv(int rows, int brokenLine) : Stream
    {
        private byte[] _pending = Encoding.UTF8.GetBytes(Samples.DecisionsHeader + "\n");
        private int _offset;
        private int _row;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length)
                {
                    if (_row == rows)
                    {
                        break;
                    }

                    _row++;
                    var region = _row + 1 == brokenLine ? "\"EU" : "EU";
                    _pending = Encoding.UTF8.GetBytes($"C{_row},ATO,2026-11-02T10:00:00Z,model-version-1.4.2,block,0.9,0.8,auto,80,user-{_row:D8},new_device|vpn_ip,{region}\n");
                    _offset = 0;
                }

                var n = Math.Min(count - written, _pending.Length - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, n);
                _offset += n;
                written += n;
            }

            _position += written;
            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
