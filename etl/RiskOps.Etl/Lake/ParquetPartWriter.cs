using System.Collections.Concurrent;
using Parquet;
using Parquet.Schema;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Writes one lake file with the Parquet.Net low-level writer: rows are buffered column-wise in typed arrays
/// (<see cref="ColumnBatch"/>) and flushed as row groups. Timestamps are INT64 micros with isAdjustedToUTC = true, lists
/// are 3-level LIST with element name <c>element</c>.
/// </summary>
/// <remarks>
/// Producer/consumer split: the ingest thread appends rows and <see cref="Detach"/>es a full batch; the writer thread
/// encodes it with <see cref="WriteAsync"/> and hands the batch back to its <see cref="ColumnBatchPool"/>, so the
/// arrays are reused between row groups instead of reallocated.
/// </remarks>
internal sealed class ParquetPartWriter : IAsyncDisposable
{
    private readonly IReadOnlyList<LakeColumn> _columns;
    private readonly DataField[] _fields;
    private readonly FileStream _stream;
    private readonly ColumnBatchPool _pool;
    private ParquetWriter? _writer;
    private readonly ParquetSchema _schema;
    private readonly ParquetOptions _options;
    private ColumnBatch? _current;

    private ParquetPartWriter(string path, IReadOnlyList<LakeColumn> columns, ColumnBatchPool? pool)
    {
        Path = path;
        _columns = columns;
        _pool = pool ?? new ColumnBatchPool(columns);
        var fields = new List<Field>();
        _fields = new DataField[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            Field field;
            switch (column.Type)
            {
                case ColumnType.String:
                    field = _fields[i] = new DataField<string>(column.Name, true);
                    break;
                case ColumnType.Timestamp:
                    field = _fields[i] = new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
                    break;
                case ColumnType.Double:
                    field = _fields[i] = new DataField<double?>(column.Name);
                    break;
                case ColumnType.Int32:
                    field = _fields[i] = new DataField<int?>(column.Name);
                    break;
                case ColumnType.Int64:
                    field = _fields[i] = new DataField<long?>(column.Name);
                    break;
                case ColumnType.Bool:
                    field = _fields[i] = new DataField<bool?>(column.Name);
                    break;
                case ColumnType.StringList:
                    var list = new ListField(column.Name, typeof(string), elementName: "element");
                    field = list;
                    _fields[i] = (DataField)list.Item;
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

    /// <summary>Rows buffered and not yet detached or flushed.</summary>
    public int BufferedRows => _current?.Rows ?? 0;

    /// <summary>Rows written in total (flushed or buffered).</summary>
    public long TotalRows { get; private set; }

    public static ParquetPartWriter Create(string path, IReadOnlyList<LakeColumn> columns, ColumnBatchPool? pool = null) => new(path, columns, pool);

    /// <summary>Appends one row; values aligned with the columns (string, UTC DateTime, double, int, long, bool, string[]).</summary>
    public void Append(object?[] values)
    {
        // Rented lazily: a partition that gets no more rows holds no buffer (pooled batches keep their grown arrays).
        (_current ??= _pool.Rent()).Append(values);
        TotalRows++;
    }

    /// <summary>Takes the buffered rows out as a batch (for <see cref="WriteAsync"/> on another thread) and starts a fresh one.</summary>
    public ColumnBatch Detach()
    {
        var batch = _current ?? _pool.Rent();
        _current = null;
        return batch;
    }

    /// <summary>Writes <paramref name="batch"/> as one row group and returns it to its pool. One caller at a time, in order.</summary>
    public async Task WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            if (batch.Rows == 0)
            {
                return;
            }

            _writer ??= await ParquetWriter.CreateAsync(_schema, _stream, _options, cancellationToken: cancellationToken);
            using var group = _writer.CreateRowGroup();
            for (var i = 0; i < batch.Columns.Length; i++)
            {
                await batch.Columns[i].WriteAsync(group, _fields[i], cancellationToken);
            }
        }
        finally
        {
            _pool.Return(batch);
        }
    }

    /// <summary>Writes the buffered rows as one row group (on the calling thread).</summary>
    public Task FlushRowGroupAsync(CancellationToken cancellationToken) =>
        BufferedRows == 0 ? Task.CompletedTask : WriteAsync(Detach(), cancellationToken);

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
}

/// <summary>Reusable <see cref="ColumnBatch"/>es of one column layout (thread-safe: rented by the reader, returned by the writer).</summary>
internal sealed class ColumnBatchPool
{
    private readonly IReadOnlyList<LakeColumn> _columns;
    private readonly ConcurrentBag<ColumnBatch> _free = [];

    public ColumnBatchPool(IReadOnlyList<LakeColumn> columns)
    {
        _columns = columns;
    }

    public ColumnBatch Rent() => _free.TryTake(out var batch) ? batch : new ColumnBatch(_columns);

    public void Return(ColumnBatch batch)
    {
        batch.Clear();

        // Spare batches are kept so grown arrays are reused, not reallocated on the large object heap (each such
        // allocation brings a gen-2 collection closer); the cap only bounds what an unusual batch can pin.
        if (_free.Count < 16)
        {
            _free.Add(batch);
        }
    }
}

/// <summary>One row group's worth of rows, column-wise in typed arrays with explicit definition levels.</summary>
internal sealed class ColumnBatch
{
    private readonly CharArena _arena = new();

    public ColumnBatch(IReadOnlyList<LakeColumn> columns)
    {
        Columns = new ColumnData[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            Columns[i] = columns[i].Type switch
            {
                ColumnType.String => new StringColumn(_arena),
                ColumnType.Timestamp => new ValueColumn<DateTime>(),
                ColumnType.Double => new ValueColumn<double>(),
                ColumnType.Int32 => new ValueColumn<int>(),
                ColumnType.Int64 => new ValueColumn<long>(),
                ColumnType.Bool => new ValueColumn<bool>(),
                ColumnType.StringList => new ListColumn(_arena),
                _ => throw new InvalidOperationException($"unsupported column type {columns[i].Type}"),
            };
        }
    }

    public ColumnData[] Columns { get; }

    public int Rows { get; private set; }

    public void Append(object?[] values)
    {
        var columns = Columns;
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i].Add(values[i]);
        }

        Rows++;
    }

    public void Clear()
    {
        foreach (var column in Columns)
        {
            column.Clear();
        }

        _arena.Clear();
        Rows = 0;
    }
}

/// <summary>
/// A column's values (non-null ones only) plus definition levels, handed to Parquet.Net's <c>WriteAllPartsAsync</c>
/// so it needs no null splitting or copies of its own. Arrays grow once and are reused.
/// </summary>
internal abstract class ColumnData
{
    // Levels of an optional top-level column: 0 = null, 1 = present.
    protected const int Null = 0;
    protected const int Present = 1;

    public abstract void Add(object? value);

    public abstract Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken);

    public abstract void Clear();

    protected static void Grow<T>(ref T[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }
}

/// <summary>
/// Chunked character storage for a batch's strings. Buffered rows then hold no string objects of their own: the strings a
/// row was parsed into die young in gen 0 instead of being promoted while a row group fills, which had made every
/// collection a gen-1 one.
/// </summary>
internal sealed class CharArena
{
    private const int ChunkSize = 1 << 17;
    private readonly List<char[]> _chunks = [];
    private int _chunk = -1;
    private int _pos = ChunkSize;

    public ReadOnlyMemory<char> Copy(string text)
    {
        if (text.Length > ChunkSize / 16)
        {
            return text.AsMemory(); // long text (annotations, raw): keep the string itself
        }

        if (_pos + text.Length > ChunkSize)
        {
            _chunk++;
            if (_chunk == _chunks.Count)
            {
                _chunks.Add(new char[ChunkSize]);
            }

            _pos = 0;
        }

        var chunk = _chunks[_chunk];
        text.CopyTo(chunk.AsSpan(_pos));
        var memory = new ReadOnlyMemory<char>(chunk, _pos, text.Length);
        _pos += text.Length;
        return memory;
    }

    public void Clear()
    {
        _chunk = -1;
        _pos = ChunkSize;
    }
}

internal sealed class StringColumn : ColumnData
{
    private readonly CharArena _arena;
    private string? _last;
    private ReadOnlyMemory<char> _lastMemory;
    private ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[1024];
    private int[] _definition = new int[1024];
    private int _valueCount;
    private int _rows;

    public StringColumn(CharArena arena)
    {
        _arena = arena;
    }

    public override void Add(object? value)
    {
        Grow(ref _definition, _rows + 1);
        if (value is null)
        {
            _definition[_rows++] = Null;
            return;
        }

        Grow(ref _values, _valueCount + 1);
        var text = (string)value;
        if (!ReferenceEquals(text, _last))
        {
            // The same instance row after row (batch_id, source, canonical enum values) is stored once.
            _last = text;
            _lastMemory = _arena.Copy(text);
        }

        _values[_valueCount++] = _lastMemory;
        _definition[_rows++] = Present;
    }

    public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
        group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, _values.AsMemory(0, _valueCount), _definition.AsMemory(0, _rows), null, cancellationToken);

    public override void Clear()
    {
        // Drop the string references so a pooled batch does not keep a whole row group's text alive.
        Array.Clear(_values, 0, _valueCount);
        _last = null;
        _lastMemory = default;
        _valueCount = 0;
        _rows = 0;
    }
}

internal sealed class ValueColumn<T> : ColumnData
    where T : struct
{
    private T[] _values = new T[1024];
    private int[] _definition = new int[1024];
    private int _valueCount;
    private int _rows;

    public override void Add(object? value)
    {
        Grow(ref _definition, _rows + 1);
        if (value is null)
        {
            _definition[_rows++] = Null;
            return;
        }

        Grow(ref _values, _valueCount + 1);
        _values[_valueCount++] = (T)value;
        _definition[_rows++] = Present;
    }

    public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
        group.WriteAllPartsAsync<T>(field, _values.AsMemory(0, _valueCount), _definition.AsMemory(0, _rows), null, cancellationToken);

    public override void Clear()
    {
        _valueCount = 0;
        _rows = 0;
    }
}

internal sealed class ListColumn : ColumnData
{
    private readonly CharArena _arena;
    // Levels of an optional LIST of optional strings: 0 = null list, 1 = empty list, 3 = a present element.
    private const int EmptyList = 1;
    private const int Element = 3;
    private ReadOnlyMemory<char>[] _values = new ReadOnlyMemory<char>[1024];
    private int[] _definition = new int[1024];
    private int[] _repetition = new int[1024];
    private int _valueCount;
    private int _levels;

    public ListColumn(CharArena arena)
    {
        _arena = arena;
    }

    public override void Add(object? value)
    {
        var items = value as string[];
        if (items is null || items.Length == 0)
        {
            // The lake stores "no signals" as an empty list, never NULL, so list functions need no null guard.
            Grow(ref _definition, _levels + 1);
            Grow(ref _repetition, _levels + 1);
            _definition[_levels] = EmptyList;
            _repetition[_levels++] = 0;
            return;
        }

        Grow(ref _definition, _levels + items.Length);
        Grow(ref _repetition, _levels + items.Length);
        Grow(ref _values, _valueCount + items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            _values[_valueCount++] = _arena.Copy(items[i]);
            _definition[_levels] = Element;
            _repetition[_levels++] = i == 0 ? 0 : 1;
        }
    }

    public override Task WriteAsync(ParquetRowGroupWriter group, DataField field, CancellationToken cancellationToken) =>
        group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, _values.AsMemory(0, _valueCount), _definition.AsMemory(0, _levels), _repetition.AsMemory(0, _levels), cancellationToken);

    public override void Clear()
    {
        Array.Clear(_values, 0, _valueCount);
        _valueCount = 0;
        _levels = 0;
    }
}
