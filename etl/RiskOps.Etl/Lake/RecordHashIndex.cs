using System.Globalization;
using DuckDB.NET.Data;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>
/// The record hashes already in the lake, loaded lazily per <c>dt</c> partition. The record hash covers the partition
/// timestamp, so an identical record always falls in the same partition: a batch loads only the partitions it touches.
/// Hashes of the batch itself are excluded (a re-run after a crash must rewrite them, not skip them).
/// </summary>
internal sealed class RecordHashIndex : IDisposable
{
    private readonly string _lakeRoot;
    private readonly RecordKind _kind;
    private readonly string _batchId;
    private readonly Dictionary<DateOnly, HashSet128> _partitions = [];
    private DuckDBConnection? _connection;

    public RecordHashIndex(string lakeRoot, RecordKind kind, string batchId)
    {
        _lakeRoot = lakeRoot;
        _kind = kind;
        _batchId = batchId;
    }

    /// <summary>Adds the hash; false when it is already in the lake or earlier in this batch.</summary>
    public bool TryAdd(DateOnly dt, string recordHash)
    {
        if (!_partitions.TryGetValue(dt, out var set))
        {
            set = Load(dt);
            _partitions[dt] = set;
        }

        return set.Add(Parse(recordHash));
    }

    /// <summary>Adds the hash (as the number <see cref="Validation.RecordValidator.RecordHash(object?[], out UInt128)"/> gives); false when already present.</summary>
    public bool TryAdd(DateOnly dt, UInt128 recordHash)
    {
        if (!_partitions.TryGetValue(dt, out var set))
        {
            set = Load(dt);
            _partitions[dt] = set;
        }

        return set.Add(recordHash);
    }

    public void Dispose() => _connection?.Dispose();

    private static UInt128 Parse(string hex) => UInt128.Parse(hex.AsSpan(0, Math.Min(32, hex.Length)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private HashSet128 Load(DateOnly dt)
    {
        var set = new HashSet128();
        var directory = LakeLayout.PartitionDirectory(_lakeRoot, _kind, dt);
        if (!Directory.Exists(directory) || !Directory.EnumerateFiles(directory, "*.parquet").Any())
        {
            return set;
        }

        _connection ??= DuckDb.Open();
        using var command = _connection.CreateCommand();
        command.CommandText =
            $"select record_hash from read_parquet({DuckDb.Literal(Path.Combine(directory, "*.parquet"))}, hive_partitioning = false, union_by_name = true) where batch_id <> $batch_id and record_hash is not null";
        command.Parameters.Add(new DuckDBParameter("batch_id", _batchId));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            set.Add(Parse(reader.GetString(0)));
        }

        return set;
    }
}

/// <summary>
/// A set of 128-bit record hashes: open addressing in one array, ~20 bytes per hash instead of the 28 of a
/// <see cref="HashSet{T}"/> (no per-entry hash code and chain index), which matters at tens of millions of rows.
/// Zero marks an empty slot; the (astronomically unlikely) all-zero hash is tracked separately.
/// </summary>
internal sealed class HashSet128
{
    private UInt128[] _slots = new UInt128[1024];
    private int _count;
    private bool _hasZero;

    public int Count => _count + (_hasZero ? 1 : 0);

    /// <summary>Adds <paramref name="value"/>; false when it was already present.</summary>
    public bool Add(UInt128 value)
    {
        if (value == UInt128.Zero)
        {
            if (_hasZero)
            {
                return false;
            }

            _hasZero = true;
            return true;
        }

        if ((_count + 1) * 5L > _slots.Length * 4L)
        {
            Grow();
        }

        if (!Insert(_slots, value))
        {
            return false;
        }

        _count++;
        return true;
    }

    private static bool Insert(UInt128[] slots, UInt128 value)
    {
        // The hashes are SHA-256 output: their low bits are already uniform, so they index directly.
        var mask = slots.Length - 1;
        var i = (int)((ulong)value & (ulong)mask);
        while (true)
        {
            var slot = slots[i];
            if (slot == UInt128.Zero)
            {
                slots[i] = value;
                return true;
            }

            if (slot == value)
            {
                return false;
            }

            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var bigger = new UInt128[_slots.Length * 2];
        foreach (var value in _slots)
        {
            if (value != UInt128.Zero)
            {
                Insert(bigger, value);
            }
        }

        _slots = bigger;
    }
}
