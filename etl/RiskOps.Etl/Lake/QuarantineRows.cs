using System.Globalization;
using DuckDB.NET.Data;

namespace RiskOps.Etl.Lake;

/// <summary>A replay or erasure cannot run with what it was given (unknown batch, missing key, bad corrections file, empty user id): nothing was changed.</summary>
public sealed class LakeOperationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One quarantine row with the file that holds it; (<see cref="BatchId"/>, <see cref="Line"/>) identifies it.</summary>
internal sealed record QuarantineRow(
    string File,
    string Kind,
    string Source,
    long Line,
    string Reason,
    string? Raw,
    string BatchId,
    DateTimeOffset IngestedAt,
    string? RawEncrypted,
    string? RawSha256,
    long? RawLength,
    string? RawColumns);

/// <summary>Reads and rewrites the quarantine's Parquet files (every file under <c>&lt;lake&gt;/quarantine/</c>).</summary>
internal static class QuarantineRows
{
    private static readonly string[] Optional = ["raw_encrypted", "raw_sha256", "raw_length", "raw_columns"];

    /// <summary>Every quarantine file of the lake (absolute paths, ordinal order).</summary>
    public static List<string> Files(string lake)
    {
        var folder = Path.Combine(lake, LakeLayout.QuarantineFolder);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Every quarantine row (optionally of one batch), in file and line order.</summary>
    public static List<QuarantineRow> Read(string lake, string? batchId = null)
    {
        var files = Files(lake);
        var rows = new List<QuarantineRow>();
        if (files.Count == 0)
        {
            return rows;
        }

        using var connection = DuckDb.Open();
        var list = "[" + string.Join(", ", files.Select(DuckDb.Literal)) + "]";
        var read = $"read_parquet({list}, filename = true, hive_partitioning = false, union_by_name = true)";
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var describe = connection.CreateCommand())
        {
            describe.CommandText = $"describe select * from {read}";
            using var reader = describe.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        var optional = string.Join(", ", Optional.Select(c => present.Contains(c) ? c : $"null as {c}"));
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            select filename, kind, source, line, reason, raw, batch_id, ingested_at, {optional}
            from {read}
            {(batchId is null ? string.Empty : "where batch_id = $batch")}
            order by filename, line
            """;
        if (batchId is not null)
        {
            command.Parameters.Add(new DuckDBParameter("batch", batchId));
        }

        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new QuarantineRow(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? string.Empty : reader.GetString(1),
                    reader.IsDBNull(2) ? string.Empty : reader.GetString(2),
                    reader.IsDBNull(3) ? 0 : reader.GetInt64(3),
                    reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? string.Empty : reader.GetString(6),
                    reader.IsDBNull(7) ? default : new DateTimeOffset(DateTime.SpecifyKind((DateTime)reader.GetValue(7), DateTimeKind.Utc)),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : Convert.ToInt64(reader.GetValue(10), CultureInfo.InvariantCulture),
                    reader.IsDBNull(11) ? null : reader.GetString(11)));
            }
        }

        return rows;
    }

    /// <summary>
    /// Stages the rewrite of quarantine files without the rows in <paramref name="remove"/> (per file: (batch_id, line)
    /// pairs) under <paramref name="staging"/>: a file left with rows becomes a rename (same name, same columns and
    /// types), a file left empty a delete. Returns both, lake-relative.
    /// </summary>
    public static (List<JournalRename> Renames, List<string> Deletes, long Removed) StageWithout(
        string lake, string staging, IReadOnlyDictionary<string, HashSet<(string BatchId, long Line)>> remove)
    {
        var renames = new List<JournalRename>();
        var deletes = new List<string>();
        long removed = 0;
        using var connection = DuckDb.Open();
        foreach (var (file, rows) in remove.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            if (rows.Count == 0)
            {
                continue;
            }

            var relative = Path.GetRelativePath(lake, file).Replace(Path.DirectorySeparatorChar, '/');
            var keys = string.Join(", ", rows.Select(r => DuckDb.Literal(r.BatchId + ":" + r.Line.ToString(CultureInfo.InvariantCulture))));
            var read = $"read_parquet({DuckDb.Literal(file)}, hive_partitioning = false)";
            var predicate = $"coalesce(batch_id, '') || ':' || coalesce(line, 0)::varchar not in ({keys})";
            long total, kept;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"select count(*), count(*) filter (where {predicate}) from {read}";
                using var reader = command.ExecuteReader();
                reader.Read();
                total = reader.GetInt64(0);
                kept = reader.GetInt64(1);
            }

            if (kept == total)
            {
                continue;
            }

            removed += total - kept;
            if (kept == 0)
            {
                deletes.Add(relative);
                continue;
            }

            var staged = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"copy (select * from {read} where {predicate}) to {DuckDb.Literal(staged)} (format parquet, compression snappy)";
                command.ExecuteNonQuery();
            }

            FsyncFile(staged);
            renames.Add(new JournalRename(Path.GetRelativePath(lake, staged).Replace(Path.DirectorySeparatorChar, '/'), relative));
        }

        return (renames, deletes, removed);
    }

    internal static void FsyncFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }
}
