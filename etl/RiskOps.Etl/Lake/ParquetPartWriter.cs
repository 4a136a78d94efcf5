using Parquet;
using Parquet.Schema;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Writes one lake file with the Parquet.Net low-level writer: rows are buffered column-wise and flushed as row groups.
/// Timestamps are INT64 micros with isAdjustedToUTC = true, lists are 3-level LIST with element name <c>element</c>.
/// </summary>
internal sealed class ParquetPartWriter : IAsyncDisposable
{
    private readonly IReadOnlyList<LakeColumn> _columns;
    private readonly DataField[] _fields;
    private readonly ColumnBuffer[] _buffers;
    private readonly FileStream _stream;
    private ParquetWriter? _writer;
    private readonly ParquetSchema _schema;
    private readonly ParquetOptions _options;

    private ParquetPartWriter(string path, IReadOnlyList<LakeColumn> columns)
    {
        Path = path;
        _columns = columns;
        var fields = new List<Field>();
        _fields = new DataField[columns.Count];
        _buffers = new ColumnBuffer[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            Field field;
            switch (column.Type)
            {
                case ColumnType.String:
                    field = _fields[i] = new DataField<string>(column.Name, true);
                    _buffers[i] = new StringBuffer();
                    break;
                case ColumnType.Timestamp:
                    field = _fields[i] = new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
                    _buffers[i] = new ValueBuffer<DateTime>();
                    break;
                case ColumnType.Double:
                    field = _fields[i] = new DataField<double?>(column.Name);
                    _buffers[i] = new ValueBuffer<double>();
                    break;
                case ColumnType.Int32:
                    field = _fields[i] = new DataField<int?>(column.Name);
                    _buffers[i] = new ValueBuffer<int>();
                    break;
                case ColumnType.Int64:
                    field = _fields[i] = new DataField<long?>(column.Name);
                    _buffers[i] = new ValueBuffer<long>();
                    break;
                case ColumnType.Bool:
                    field = _fields[i] = new DataField<bool?>(column.Name);
                    _buffers[i] = new ValueBuffer<bool>();
                    break;
                case ColumnType.StringList:
                    var list = new ListField(column.Name, typeof(string), elementName: "element");
                    field = list;
                    _fields[i] = (DataField)list.Item;
                    _buffers[i] = new ListBuffer();
                    break;
                default:
                    throw new InvalidOperationException($"unsupported column type {column.Type}");
            }

            fields.Add(field);
        }

        _schema = new ParquetSchema(fields);
        _options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Dictionary)
            {
                _options.ColumnEncodingHints[_fields[i].Path.ToString()] = EncodingHint.Dictionary;
            }
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>Rows buffered and not yet flushed.</summary>
    public int BufferedRows { get; private set; }

    /// <summary>Rows written in total (flushed or buffered).</summary>
    public long TotalRows { get; private set; }

    public static ParquetPartWriter Create(string path, IReadOnlyList<LakeColumn> columns) => new(path, columns);

    /// <summary>Appends one row; values aligned with the columns (string, UTC DateTime, double, int, long, bool, string[]).</summary>
    public void Append(object?[] values)
    {
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i].Add(values[i]);
        }

        BufferedRows++;
        TotalRows++;
    }

    /// <summary>Writes the buffered rows as one row group.</summary>
    public async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        if (BufferedRows == 0)
        {
            return;
        }

        _writer ??= await ParquetWriter.CreateAsync(_schema, _stream, _options, cancellationToken: cancellationToken);
        using (var group = _writer.CreateRowGroup())
        {
            for (var i = 0; i < _buffers.Length; i++)
            {
                await _buffers[i].WriteAsync(group, _fields[i], cancellationToken);
                _buffers[i].Clear();
            }
        }

        BufferedRows = 0;
    }

    /// <summary>Flushes, writes the footer and fsyncs the file.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushRowGroupAsync(cancellationToken);
        if (_writer is null)
        {
            // A file with no rows still needs a valid footer so readers can open it.
            _writer = await ParquetWriter.CreateAsync(_schema, _stream, _options, cancellationToken: cancellationToken);
        }

        await _writer.DisposeAsync();
        _writer = null;
        await _stream.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            try
            {
                await _writer.DisposeAsync();
            }
            catch (IOException)
            {
                // Disposing an abandoned writer (failed batch): the staged file is deleted anyway.
            }
        }

        await _stream.DisposeAsync();
    }

    public override string ToString() => $"{Path} ({_columns.Count} columns)";

    private abstract class ColumnBuffer
    {
        public abstract void Add(object? value);

        public abstract Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken);

        public abstract void Clear();
    }

    private sealed class StringBuffer : ColumnBuffer
    {
        private readonly List<string?> _values = new(1024);

        public override void Add(object? value) => _values.Add((string?)value);

        public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
            group.WriteAsync(field, _values!, null);

        public override void Clear() => _values.Clear();
    }

    private sealed class ValueBuffer<T> : ColumnBuffer
        where T : struct
    {
        private T?[] _values = new T?[1024];
        private int _count;

        public override void Add(object? value)
        {
            if (_count == _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[_count++] = value is null ? null : (T)value;
        }

        public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(field, new ReadOnlyMemory<T?>(_values, 0, _count), null, null, cancellationToken);

        public override void Clear() => _count = 0;
    }

    private sealed class ListBuffer : ColumnBuffer
    {
        // Levels of an optional LIST of optional strings: 0 = null list, 1 = empty list, 3 = a present element.
        private const int EmptyList = 1;
        private const int Element = 3;
        private readonly List<ReadOnlyMemory<char>> _values = new(1024);
        private readonly List<int> _definition = new(1024);
        private readonly List<int> _repetition = new(1024);

        public override void Add(object? value)
        {
            var items = value as string[];
            if (items is null || items.Length == 0)
            {
                // The lake stores "no signals" as an empty list, never NULL, so list functions need no null guard.
                _definition.Add(EmptyList);
                _repetition.Add(0);
                return;
            }

            for (var i = 0; i < items.Length; i++)
            {
                _values.Add(items[i].AsMemory());
                _definition.Add(Element);
                _repetition.Add(i == 0 ? 0 : 1);
            }
        }

        public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
            group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, _values.ToArray(), _definition.ToArray(), _repetition.ToArray(), cancellationToken);

        public override void Clear()
        {
            _values.Clear();
            _definition.Clear();
            _repetition.Clear();
        }
    }
}
