using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskOps.Etl.Lake;

[assembly: InternalsVisibleTo("RiskOps.Production.Tests")]

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>What one table's extract did in one run.</summary>
/// <param name="Table">The source table.</param>
/// <param name="Pages">Pages read (each one lake batch).</param>
/// <param name="Rows">Rows read.</param>
/// <param name="Landed">Records landed in the lake.</param>
/// <param name="Quarantined">Records quarantined.</param>
/// <param name="Duplicates">Records already in the lake.</param>
/// <param name="AlreadyIngestedPages">Pages whose batch had landed before (a retried page).</param>
/// <param name="Watermark">The watermark after the run (null when the table was empty so far).</param>
public sealed record PostgresTableExtract(
    string Table,
    int Pages,
    long Rows,
    long Landed,
    long Quarantined,
    long Duplicates,
    int AlreadyIngestedPages,
    PostgresWatermark? Watermark);

/// <summary>
/// Incremental extractor from the case-management database. Per table it reads rows with
/// (<c>updated_at</c>, key) greater than the watermark, in that order, one page at a time; lands each page through
/// <see cref="IngestPipeline.IngestRowsAsync"/> (validation, quarantine, lineage, atomic publish) under a batch key
/// derived from the table and the page's watermark range, and only then advances the watermark. A failure between the
/// lake commit and the watermark write re-reads the same page next time; its batch key is the same, so it lands once.
/// </summary>
public sealed class PostgresExtractor
{
    private readonly IngestPipeline _pipeline;
    private readonly PostgresSourceOptions _options;
    private readonly PostgresWatermarkStore _watermarks;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresExtractor> _logger;

    /// <summary>Creates the extractor for the lake at <paramref name="lake"/>.<see cref="LakeOptions.Root"/>.</summary>
    public PostgresExtractor(IngestPipeline pipeline, IOptions<PostgresSourceOptions> options, IOptions<LakeOptions> lake, TimeProvider time, ILogger<PostgresExtractor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(lake);
        _pipeline = pipeline;
        _options = options.Value;
        _watermarks = new PostgresWatermarkStore(lake.Value.Root);
        _time = time;
        _logger = logger;
    }

    /// <summary>Called after a page landed and before its watermark is saved (test seam for crash-between-steps).</summary>
    internal Func<PostgresTable, int, Task>? BeforeWatermarkSave { get; set; }

    /// <summary>Extracts every configured table until it is drained; returns one summary per table.</summary>
    /// <exception cref="InvalidOperationException">No connection string is configured.</exception>
    public async Task<IReadOnlyList<PostgresTableExtract>> ExtractAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.ConnectionString))
        {
            throw new InvalidOperationException("Sources:Postgres:ConnectionString is not set");
        }

        var tables = _options.Tables
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(PostgresTable.ForName)
            .Distinct()
            .ToList();
        await using var dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
        var results = new List<PostgresTableExtract>(tables.Count);
        foreach (var table in tables)
        {
            results.Add(await ExtractTableAsync(dataSource, table, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private async Task<PostgresTableExtract> ExtractTableAsync(NpgsqlDataSource dataSource, PostgresTable table, CancellationToken cancellationToken)
    {
        var marks = await _watermarks.LoadAsync(cancellationToken).ConfigureAwait(false);
        marks.TryGetValue(table.Name, out var mark);
        int pages = 0, alreadyPages = 0;
        long rows = 0, landed = 0, quarantined = 0, duplicates = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await ReadPageAsync(dataSource, table, mark, cancellationToken).ConfigureAwait(false);
            if (page.Rows.Count == 0)
            {
                break;
            }

            var batchKey = BatchKey(table, mark, page.Last);
            var result = await _pipeline.IngestRowsAsync(table.Kind, page.Rows, $"postgres:{table.Name}", batchKey, cancellationToken).ConfigureAwait(false);
            pages++;
            rows += page.Rows.Count;
            landed += result.Landed;
            quarantined += result.Quarantined;
            duplicates += result.Duplicates;
            alreadyPages += result.AlreadyIngested ? 1 : 0;

            if (BeforeWatermarkSave is { } hook)
            {
                await hook(table, pages).ConfigureAwait(false);
            }

            mark = page.Last with { Rows = (mark?.Rows ?? 0) + page.Rows.Count, LastBatchId = result.BatchId, AdvancedAt = _time.GetUtcNow() };
            // Re-read the file so a concurrent change to another table's entry is not lost (the job itself is serialised).
            marks = await _watermarks.LoadAsync(cancellationToken).ConfigureAwait(false);
            marks[table.Name] = mark;
            await _watermarks.SaveAsync(marks, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation(
                "postgres:{Table} page {Page}: {Rows} rows, batch {BatchId}, landed {Landed}, quarantined {Quarantined}, watermark {UpdatedAt:o} {Key}",
                table.Name, pages, page.Rows.Count, result.BatchId, result.Landed, result.Quarantined, mark.UpdatedAt, string.Join('|', mark.Key));

            if (page.Rows.Count < _options.PageSize)
            {
                break;
            }
        }

        return new PostgresTableExtract(table.Name, pages, rows, landed, quarantined, duplicates, alreadyPages, mark);
    }

    private async Task<(List<IReadOnlyDictionary<string, object?>> Rows, PostgresWatermark Last)> ReadPageAsync(
        NpgsqlDataSource dataSource, PostgresTable table, PostgresWatermark? mark, CancellationToken cancellationToken)
    {
        var sql = BuildPageQuery(_options.Schema, table, mark is not null);
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = (int)Math.Ceiling(_options.CommandTimeout.TotalSeconds);
        command.Parameters.Add(new NpgsqlParameter { Value = _options.SafetyLag });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.PageSize });
        if (mark is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = mark.UpdatedAt.UtcDateTime });
            foreach (var value in mark.Key)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
        }

        var rows = new List<IReadOnlyDictionary<string, object?>>(_options.PageSize);
        DateTimeOffset lastUpdated = default;
        string[] lastKey = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, object?>(table.Columns.Count, StringComparer.Ordinal);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                row[table.Columns[i]] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i));
            }

            rows.Add(row);
            var ordinal = table.Columns.Count;
            lastUpdated = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
            lastKey = new string[table.Key.Count];
            for (var k = 0; k < table.Key.Count; k++)
            {
                lastKey[k] = reader.GetString(ordinal + 1 + k);
            }
        }

        return (rows, new PostgresWatermark(lastUpdated, lastKey, 0, null, default));
    }

    /// <summary>
    /// The page query. Keys come back as text (timestamps in ISO-8601 UTC with microseconds) so the watermark file is
    /// exact and portable; they are cast back to the column type when compared.
    /// </summary>
    internal static string BuildPageQuery(string schema, PostgresTable table, bool hasWatermark)
    {
        var keyColumns = string.Join(", ", table.Key.Select(k => Quote(k.Name)));
        var keyText = string.Join(", ", table.Key.Select(k => k.PgType == "timestamptz"
            ? $"to_char({Quote(k.Name)} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
            : $"{Quote(k.Name)}::text"));
        var where = new StringBuilder("updated_at <= now() - $1");
        if (hasWatermark)
        {
            var parameters = string.Join(", ", table.Key.Select((k, i) => $"${i + 4}::{k.PgType}"));
            where.Append(CultureInfo.InvariantCulture, $" and (updated_at, {keyColumns}) > ($3, {parameters})");
        }

        return $"""
            select {string.Join(", ", table.Columns.Select(Quote))}, updated_at, {keyText}
            from {Quote(schema)}.{Quote(table.Name)}
            where {where}
            order by updated_at, {keyColumns}
            limit $2
            """;
    }

    private static string BatchKey(PostgresTable table, PostgresWatermark? from, PostgresWatermark to)
    {
        static string Describe(PostgresWatermark? m) =>
            m is null ? "start" : $"{m.UpdatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}|{string.Join('|', m.Key)}";
        var text = $"{table.Name}\n{Describe(from)}\n{Describe(to)}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return $"pg-{table.Name.Replace('_', '-')}-{hash[..24]}";
    }

    private static object Normalize(object value) => value switch
    {
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string[] list => list,
        _ => value,
    };

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
