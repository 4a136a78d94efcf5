using System.Globalization;
using DuckDB.NET.Data;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>
/// The record hashes already in the lake, loaded lazily per <c>dt</c> partition. The record hash covers the partition
/// timestamp, so an identical record always falls in the same partition: a batch loads only the partitions it touches.
/// The batch's own file name (<c>part-&lt;batch_id&gt;.parquet</c>) is left out — a re-run after a crash rewrites it — but
/// its rows that compaction already merged into another file count, so a re-run never lands them twice.
/// Each loaded partition remembers the files it read, so the publish can dedupe against files published since
/// (<see cref="RemovePublishedSince"/>): two overlapping batches staged at the same time land each record once.
/// </summary>
internal sealed class RecordHashIndex : IDisposable
{
    private const int ReadAttempts = 5;
    private readonly string _lakeRoot;
    private readonly RecordKind _kind;
    private readonly string _ownFile;
    private readonly Dictionary<DateOnly, HashSet128> _partitions = [];
    private readonly Dictionary<DateOnly, Dictionary<string, (long Length, DateTime Written)>> _seen = [];
    private DuckDBConnection? _connection;

    public RecordHashIndex(string lakeRoot, RecordKind kind, string batchId)
    {
        _lakeRoot = lakeRoot;
        _kind = kind;
        _ownFile = LakeLayout.PartFileName(batchId);
    }

    /// <summary>Adds the hash; false when it is already in the lake or earlier in this batch.</summary>
    public bool TryAdd(DateOnly dt, string recordHash) => TryAdd(dt, Parse(recordHash));

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

    /// <summary>
    /// Removes from <paramref name="stagedFile"/> (this batch's staged file of partition <paramref name="dt"/>) the records
    /// that files published into the partition since it was loaded hold already; returns how many. Called under the lake
    /// lock, so no file appears or goes meanwhile. When every row goes the staged file is deleted.
    /// </summary>
    public long RemovePublishedSince(DateOnly dt, string stagedFile, long stagedRows, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _seen.TryGetValue(dt, out var seen);
        var fresh = Files(dt).Where(f => seen is null || !seen.TryGetValue(Path.GetFileName(f), out var s) || s != Stamp(f)).ToList();
        if (fresh.Count == 0)
        {
            return 0;
        }

        _connection ??= DuckDb.Open();
        var published = $"select record_hash from read_parquet({List(fresh)}, hive_partitioning = false, union_by_name = true) where record_hash is not null";
        var staged = $"read_parquet({DuckDb.Literal(stagedFile)}, hive_partitioning = false)";
        long overlap;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"select count(*) from {staged} where record_hash in ({published})";
            overlap = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        if (overlap == 0)
        {
            return 0;
        }

        if (overlap >= stagedRows)
        {
            File.Delete(stagedFile);
            return overlap;
        }

        var rewritten = stagedFile + ".dedupe";
        using (var command = _connection.CreateCommand())
        {
            // Same columns and types (DuckDB writes what it read); compaction later restores the encodings.
            command.CommandText =
                $"copy (select * from {staged} where record_hash not in ({published})) to {DuckDb.Literal(rewritten)} (format parquet, compression snappy, row_group_size 122880)";
            command.ExecuteNonQuery();
        }

        using (var stream = new FileStream(rewritten, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        File.Move(rewritten, stagedFile, overwrite: true);
        return overlap;
    }

    public void Dispose() => _connection?.Dispose();

    private static UInt128 Parse(string hex) => UInt128.Parse(hex.AsSpan(0, Math.Min(32, hex.Length)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static (long, DateTime) Stamp(string file)
    {
        var info = new FileInfo(file);
        return (info.Length, info.LastWriteTimeUtc);
    }

    private static string List(IEnumerable<string> files) => "[" + string.Join(", ", files.Select(DuckDb.Literal)) + "]";

    /// <summary>
    /// The partition's published files (<see cref="PublishedFiles"/>) other than this batch's own: a stray Parquet file no
    /// manifest lists must not make a record look landed (it would then be skipped, and never reach the warehouse).
    /// </summary>
    private List<string> Files(DateOnly dt)
    {
        var directory = LakeLayout.PartitionDirectory(_lakeRoot, _kind, dt);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var listed = Listed();
        return Directory.EnumerateFiles(directory, "*.parquet")
            .Where(f => Path.GetFileName(f) != _ownFile && PublishedFiles.IsPublished(_lakeRoot, f, listed))
            .Order(StringComparer.Ordinal).ToList();
    }

    private IReadOnlySet<string>? _listed;
    private DateTime _listedStamp;

    /// <summary>The manifests' files, read again only when the manifest folder changed (a batch of thousands of dates reads it once).</summary>
    private IReadOnlySet<string> Listed()
    {
        var folder = Path.Combine(_lakeRoot, LakeLayout.ManifestFolder);
        var stamp = Directory.Exists(folder) ? Directory.GetLastWriteTimeUtc(folder) : DateTime.MinValue;
        if (_listed is null || stamp != _listedStamp)
        {
            _listed = PublishedFiles.Listed(_lakeRoot);
            _listedStamp = stamp;
        }

        return _listed;
    }

    private HashSet128 Load(DateOnly dt)
    {
        for (var attempt = 1; ; attempt++)
        {
            var set = new HashSet128();
            var seen = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
            var files = Files(dt);
            foreach (var file in files)
            {
                seen[Path.GetFileName(file)] = Stamp(file);
            }

            _seen[dt] = seen;
            if (files.Count == 0)
            {
                return set;
            }

            _connection ??= DuckDb.Open();
            try
            {
                using var command = _connection.CreateCommand();
                command.CommandText =
                    $"select record_hash from read_parquet({List(files)}, hive_partitioning = false, union_by_name = true) where record_hash is not null";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    set.Add(Parse(reader.GetString(0)));
                }

                return set;
            }
            catch (DuckDBException) when (attempt < ReadAttempts && files.Any(f => !File.Exists(f)))
            {
                // A compaction swapped the partition between the listing and the read: list it again.
            }
        }
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
