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
        var present = ColumnsOf(connection, read);

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
    /// Counts of the quarantine (optionally one kind and/or batch) computed by DuckDB, so memory stays flat however large the
    /// quarantine: totals by how the text is kept, rows per kind, the <paramref name="top"/> reasons and batches.
    /// </summary>
    public static QuarantineSummary Summarize(string lake, string? kind, string? batchId, int top)
    {
        var files = Files(lake);
        if (files.Count == 0)
        {
            return new QuarantineSummary(0, 0, 0, 0, 0, [], [], 0, [], 0);
        }

        using var connection = DuckDb.Open();
        var list = "[" + string.Join(", ", files.Select(DuckDb.Literal)) + "]";
        var read = $"read_parquet({list}, hive_partitioning = false, union_by_name = true)";
        var present = ColumnsOf(connection, read);

        var encrypted = present.Contains("raw_encrypted") ? "raw_encrypted" : "null::varchar";
        var filters = new List<string>();
        if (kind is not null)
        {
            filters.Add("kind = $kind");
        }

        if (batchId is not null)
        {
            filters.Add("batch_id = $batch");
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                create temp table q as
                select kind, source, reason, batch_id, ingested_at,
                    raw is not null as readable,
                    raw is null and {encrypted} is not null as encrypted,
                    reason = '{Tombstones.ErasedReason}' as erased
                from {read}
                {(filters.Count == 0 ? string.Empty : "where " + string.Join(" and ", filters))}
                """;
            if (kind is not null)
            {
                command.Parameters.Add(new DuckDBParameter("kind", kind));
            }

            if (batchId is not null)
            {
                command.Parameters.Add(new DuckDBParameter("batch", batchId));
            }

            command.ExecuteNonQuery();
        }

        List<object?[]> Rows(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }

        static long L(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
        var totals = Rows("""
            select count(*), count(*) filter (where readable), count(*) filter (where encrypted),
                count(*) filter (where not readable and not encrypted and not erased), count(*) filter (where erased),
                count(distinct reason), count(distinct batch_id)
            from q
            """)[0];
        var byKind = Rows("select coalesce(kind, ''), count(*) from q group by all order by 1")
            .Select(r => new NamedCount((string)r[0]!, L(r[1]))).ToList();
        var reasons = Rows($"select coalesce(reason, ''), count(*) as n from q group by all order by n desc, 1 limit {top}")
            .Select(r => new NamedCount((string)r[0]!, L(r[1]))).ToList();
        var batches = Rows($"""
            select batch_id, any_value(kind), any_value(source), min(ingested_at), count(*) as n, count(*) filter (where readable or encrypted)
            from q group by batch_id order by n desc, batch_id limit {top}
            """)
            .Select(r => new QuarantineBatchSummary(
                (string?)r[0] ?? string.Empty, (string?)r[1] ?? string.Empty, (string?)r[2] ?? string.Empty,
                r[3] is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : default, L(r[4]), L(r[5])))
            .ToList();
        return new QuarantineSummary(
            L(totals[0]), L(totals[1]), L(totals[2]), L(totals[3]), L(totals[4]),
            byKind, reasons, L(totals[0]) - reasons.Sum(r => r.Records), batches, Math.Max(0, L(totals[6]) - batches.Count));
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

    /// <summary>The column names of <paramref name="relation"/> (case-insensitive: older files may lack newer columns).</summary>
    private static HashSet<string> ColumnsOf(System.Data.Common.DbConnection connection, string relation)
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var describe = connection.CreateCommand();
        describe.CommandText = $"describe select * from {relation}";
        using var reader = describe.ExecuteReader();
        while (reader.Read())
        {
            present.Add(reader.GetString(0));
        }

        return present;
    }
}
