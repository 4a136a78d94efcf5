using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Jobs;

/// <summary>What compacting one partition did.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Dt">The partition date.</param>
/// <param name="InputFiles">Files merged.</param>
/// <param name="Rows">Rows in the compacted file.</param>
/// <param name="File">The compacted file (absolute path); null when nothing was rewritten (only unreadable files found).</param>
public sealed record CompactionResult(RecordKind Kind, DateOnly Dt, int InputFiles, long Rows, string? File)
{
    /// <summary>Files of the partition that could not be read (truncated, corrupt): skipped and left in place.</summary>
    public IReadOnlyList<UnreadableLakeFile> Unreadable { get; init; } = [];
}

/// <summary>A lake file that DuckDB cannot read.</summary>
/// <param name="Path">The file (absolute path).</param>
/// <param name="Reason">DuckDB's error, first line.</param>
public sealed record UnreadableLakeFile(string Path, string Reason);

/// <summary>
/// Rewrites a partition's files into one file sorted by key and time, written by DuckDB (zstd, dictionary-encoded,
/// 122,880-row groups, min/max statistics) and swapped in: staged, renamed into the partition, then the old files deleted.
/// </summary>
public sealed class CompactionJob
{
    private const string CompactedPrefix = LakeLayout.CompactedPrefix;
    private readonly LakeOptions _options;
    private readonly ILogger<CompactionJob> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the job.</summary>
    public CompactionJob(IOptions<LakeOptions> options, ILogger<CompactionJob> logger)
        : this(options, logger, TimeProvider.System)
    {
    }

    /// <summary>Creates the job with a clock (the publish time of a publish it completes after a crash).</summary>
    [ActivatorUtilitiesConstructor]
    public CompactionJob(IOptions<LakeOptions> options, ILogger<CompactionJob> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _time = time;
    }

    /// <summary>
    /// Partitions that compaction would change: more than one file, or a single file not written by compaction (a fresh
    /// Parquet.Net part scans slower than the sorted, zstd, dictionary-encoded compacted file; docs/lake.md).
    /// </summary>
    public static IEnumerable<(RecordKind Kind, DateOnly Dt)> PartitionsToCompact(string lakeRoot, RecordKind? kind = null)
    {
        var lake = Path.GetFullPath(lakeRoot);
        foreach (var k in kind is null ? RecordKinds.All : [kind.Value])
        {
            var folder = Path.Combine(lake, k.LakeName());
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var partition in Directory.EnumerateDirectories(folder, "dt=*").Order(StringComparer.Ordinal))
            {
                if (!DateOnly.TryParseExact(Path.GetFileName(partition)[3..], "yyyy-MM-dd", out var dt))
                {
                    continue;
                }

                var files = Directory.EnumerateFiles(partition, "*.parquet").Take(2).ToList();
                if (files.Count > 1 || (files.Count == 1 && !Path.GetFileName(files[0]).StartsWith(CompactedPrefix, StringComparison.Ordinal)))
                {
                    yield return (k, dt);
                }
            }
        }
    }

    /// <summary>
    /// Compacts every partition (of <paramref name="kind"/>, or of all kinds) that <see cref="PartitionsToCompact"/> names.
    /// A file that cannot be read is skipped and named in its partition's result (<see cref="CompactionResult.Unreadable"/>);
    /// a partition that fails otherwise is logged and the sweep goes on with the next.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 60 * 60)]
    public async Task<IReadOnlyList<CompactionResult>> RunAllAsync(RecordKind? kind, CancellationToken cancellationToken)
    {
        await LakeRecovery.RecoverAsync(_options.Root, _time, _logger, cancellationToken);
        var results = new List<CompactionResult>();
        foreach (var (k, dt) in PartitionsToCompact(_options.Root, kind).ToList())
        {
            try
            {
                var result = Compact(k, dt, cancellationToken);
                if (result is not null)
                {
                    results.Add(result);
                }
            }
            catch (Exception ex) when (ex is IOException or DuckDBException)
            {
                _logger.LogError(ex, "Compacting {Kind} {Partition} failed; going on with the other partitions", k.LakeName(), LakeLayout.PartitionName(dt));
            }
        }

        return results;
    }

    /// <summary>Compacts one partition; null when there is nothing to do (no files, or one already compacted file).</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 30 * 60)]
    public async Task<CompactionResult?> RunAsync(RecordKind kind, DateOnly dt, CancellationToken cancellationToken)
    {
        await LakeRecovery.RecoverAsync(_options.Root, _time, _logger, cancellationToken);
        return Compact(kind, dt, cancellationToken);
    }

    private CompactionResult? Compact(RecordKind kind, DateOnly dt, CancellationToken cancellationToken)
    {
        var lake = Path.GetFullPath(_options.Root);
        var partition = LakeLayout.PartitionDirectory(lake, kind, dt);
        var inputs = Directory.Exists(partition)
            ? Directory.EnumerateFiles(partition, "*.parquet").Order(StringComparer.Ordinal).ToList()
            : [];
        // Only published rows are compacted: a file no manifest lists (a stray, or a batch not yet published) stays as it
        // is, outside the compacted file, so the warehouse keeps leaving it out (docs/lake.md).
        var listed = ManifestedFiles(lake);
        if (listed.Count > 0)
        {
            inputs = inputs.Where(i => listed.Contains(Path.GetRelativePath(lake, i).Replace(Path.DirectorySeparatorChar, '/'))
                || Path.GetFileName(i).StartsWith(CompactedPrefix, StringComparison.Ordinal)).ToList();
        }

        var unreadable = new List<UnreadableLakeFile>();
        var probed = false;
        while (true)
        {
            var readable = inputs.Where(i => unreadable.All(u => u.Path != i)).ToList();
            if (readable.Count == 0 || (readable.Count == 1 && Path.GetFileName(readable[0]).StartsWith(CompactedPrefix, StringComparison.Ordinal)))
            {
                return unreadable.Count == 0 ? null : new CompactionResult(kind, dt, 0, 0, null) { Unreadable = unreadable };
            }

            try
            {
                var result = CompactFiles(lake, kind, dt, partition, readable, cancellationToken);
                return result is null ? null : result with { Unreadable = unreadable };
            }
            catch (DuckDBException) when (!probed)
            {
                // Find the file(s) DuckDB cannot read, skip them, and compact the rest.
                probed = true;
                unreadable.AddRange(Probe(readable));
                if (unreadable.Count == 0)
                {
                    throw;
                }

                foreach (var file in unreadable)
                {
                    _logger.LogError("Compaction skips {File}: it cannot be read ({Reason}); it stays in place for an operator to restore or remove", file.Path, file.Reason);
                }
            }
        }
    }

    /// <summary>Every data file the lake's manifests list (lake-relative, '/'-separated); empty for a lake whose manifests list none.</summary>
    private static IReadOnlySet<string> ManifestedFiles(string lake) => PublishedFiles.Listed(lake);

    private static List<UnreadableLakeFile> Probe(IEnumerable<string> files)
    {
        var unreadable = new List<UnreadableLakeFile>();
        using var connection = DuckDb.Open();
        foreach (var file in files)
        {
            try
            {
                using var command = connection.CreateCommand();
                // Every column decoded (a hash of each), so a damaged page fails here and not only a damaged footer.
                command.CommandText = $"select max(hash(columns(*))) from read_parquet({DuckDb.Literal(file)}, hive_partitioning = false)";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                }
            }
            catch (DuckDBException ex)
            {
                unreadable.Add(new UnreadableLakeFile(file, ex.Message.Split('\n')[0]));
            }
        }

        return unreadable;
    }

    private CompactionResult? CompactFiles(string lake, RecordKind kind, DateOnly dt, string partition, List<string> inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stamps = inputs.Select(i => (i, new FileInfo(i).Length, File.GetLastWriteTimeUtc(i))).ToList();
        var schema = KindSchemas.For(kind);
        var name = CompactedPrefix + Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', inputs.Select(Path.GetFileName)))))[..16] + ".parquet";
        var staging = Path.Combine(lake, LakeLayout.StagingFolder, $"compact-{kind.LakeName()}-{LakeLayout.PartitionName(dt)}");
        IngestPipeline.TryDeleteDirectory(staging);
        long rows;
        var staged = Path.Combine(staging, name);
        using (StagingLock.Acquire(staging))
        {
            var order = string.Join(", ", schema.Key.Append(schema.PartitionField).Append("ingested_at").Select(c => '"' + c + '"'));
            var files = "[" + string.Join(", ", inputs.Select(DuckDb.Literal)) + "]";
            using var connection = DuckDb.Open();
            var columns = SelectList(connection, kind, files);
            using (var command = connection.CreateCommand())
            {
                // One row per record_hash (a crash between swap-in and delete could leave a row twice); the first ingestion wins.
                command.CommandText = $"""
                    copy (
                        select {columns}
                        from read_parquet({files}, hive_partitioning = false, union_by_name = true)
                        qualify row_number() over (partition by record_hash order by ingested_at, batch_id, source_line) = 1
                        order by {order}
                    ) to {DuckDb.Literal(staged)} (format parquet, compression zstd, row_group_size 122880)
                    """;
                command.ExecuteNonQuery();
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"select count(*) from read_parquet({DuckDb.Literal(staged)})";
                rows = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }

            using (var stream = new FileStream(staged, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            var target = Path.Combine(partition, name);
            using (LakeLock.Acquire(lake, cancellationToken))
            {
                // The swap holds the lake lock, so it never interleaves with a publish; an interrupted publish is finished
                // (or rolled back) first, and if that — or anything else — changed an input, this round's output is dropped.
                PublishJournal.RecoverAll(lake, _time, _logger);
                if (stamps.Any(s => !File.Exists(s.i) || new FileInfo(s.i).Length != s.Length || File.GetLastWriteTimeUtc(s.i) != s.Item3))
                {
                    _logger.LogWarning("Compaction of {Kind} {Partition} dropped: its files changed while it ran; the next sweep compacts it", kind.LakeName(), LakeLayout.PartitionName(dt));
                    IngestPipeline.TryDeleteDirectory(staging);
                    return null;
                }

                // Swap in: the new file appears whole (rename), then the old ones go. Between the two steps a reader can
                // see both (rows twice); views that pick the latest per key are unaffected, plain counts are for that instant.
                File.Move(staged, target, overwrite: true);
                foreach (var input in inputs.Where(i => !string.Equals(i, target, StringComparison.Ordinal)))
                {
                    File.Delete(input);
                }
            }

            _logger.LogInformation("Compacted {Kind} {Partition}: {Files} files into {Target} ({Rows} rows)", kind.LakeName(), LakeLayout.PartitionName(dt), inputs.Count, target, rows);
            IngestPipeline.TryDeleteDirectory(staging);
            return new CompactionResult(kind, dt, inputs.Count, rows, target);
        }
    }
    /// <summary>
    /// The kind's columns in lake order; one that none of the files has (a v2 column such as decisions' <c>experiment</c>
    /// in a partition written before v2) is selected as a typed NULL, so old partitions still compact.
    /// </summary>
    private static string SelectList(DuckDBConnection connection, RecordKind kind, string files)
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"describe select * from read_parquet({files}, hive_partitioning = false, union_by_name = true)";
            using var reader = describe.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        return string.Join(", ", LakeLayout.ColumnsOf(kind).Select(c => present.Contains(c.Name)
            ? '"' + c.Name + '"'
            : $"null::{DuckType(c.Type)} as \"{c.Name}\""));
    }

    private static string DuckType(ColumnType type) => type switch
    {
        ColumnType.String => "varchar",
        ColumnType.Timestamp => "timestamptz",
        ColumnType.Double => "double",
        ColumnType.Int32 => "integer",
        ColumnType.Int64 => "bigint",
        ColumnType.Bool => "boolean",
        ColumnType.StringList => "varchar[]",
        _ => throw new InvalidOperationException($"no DuckDB type for {type}"),
    };
}
