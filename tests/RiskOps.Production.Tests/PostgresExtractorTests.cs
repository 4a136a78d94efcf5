using Npgsql;
using RiskOps.Etl.Sources.Postgres;
using RiskOps.Production.Tests.Support;

namespace RiskOps.Production.Tests;

/// <summary>The incremental PostgreSQL extractor against a real case-management database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresExtractorTests(PostgresFixture postgres)
{
    // Far in the past, so the safety lag never holds these rows back; fixed, so no test depends on today.
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExtractAsync_TiesFailuresAndUpdates_EveryRowVersionLandsExactlyOnce()
    {
        using var lake = new TestLake("pgsource");
        var source = await CreateSourceAsync();
        for (var i = 1; i <= 10; i++)
        {
            await InsertDecisionAsync(source, i, T0.AddSeconds(i));
        }

        // Five rows share one updated_at and straddle a page boundary.
        for (var i = 11; i <= 15; i++)
        {
            await InsertDecisionAsync(source, i, T0.AddSeconds(20));
        }

        var run1 = await RunAsync(lake.Lake, source, "decisions");
        Assert.Equal((4, 15L, 15L), (run1.Pages, run1.Rows, run1.Landed));

        // More ties at the watermark's own updated_at (keys above it), later rows, and one row the contract refuses.
        for (var i = 16; i <= 20; i++)
        {
            await InsertDecisionAsync(source, i, T0.AddSeconds(20));
        }

        for (var i = 21; i <= 25; i++)
        {
            await InsertDecisionAsync(source, i, T0.AddSeconds(30), confidence: i == 22 ? 1.7 : 0.9);
        }

        // Crash after the second page reached the lake but before its watermark was saved.
        var failure = await Assert.ThrowsAsync<IOException>(() => RunAsync(lake.Lake, source, "decisions", failOnPage: 2));
        Assert.Contains("simulated crash", failure.Message, StringComparison.Ordinal);

        var run3 = await RunAsync(lake.Lake, source, "decisions");
        Assert.Equal(1, run3.AlreadyIngestedPages);
        Assert.Equal(0, run3.Duplicates);

        // An update moves updated_at (trigger) and lands as a new version: history, not a duplicate.
        await ExecuteAsync(source, "update decisions set region = 'APAC' where case_id = 'D003'");
        var run4 = await RunAsync(lake.Lake, source, "decisions");
        Assert.Equal((1L, 1L), (run4.Rows, run4.Landed));
        var run5 = await RunAsync(lake.Lake, source, "decisions");
        Assert.Equal((0, 0L), (run5.Pages, run5.Rows));

        var perCase = TestLake.Query($"select case_id, count(*) from {TestLake.Scan(lake.Lake, "decisions")} group by all order by case_id")
            .ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture));
        var expected = Enumerable.Range(1, 25).Where(i => i != 22).ToDictionary(i => $"D{i:D3}", i => i == 3 ? 2 : 1);
        Assert.Equal(expected, perCase);
        // D022's confidence is out of range: a misfit field, so its raw text is kept only as hash and length (contract v2:
        // no clear user id in quarantine) — the one quarantined record, with a reason naming the field.
        Assert.Equal(["1"], TestLake.Query($"select count(*) from read_parquet('{lake.Lake}/quarantine/**/*.parquet') where reason ilike '%confidence%'").Single());
        Assert.Equal(["1"], TestLake.Query($"select count(*) from read_parquet('{lake.Lake}/quarantine/**/*.parquet')").Single());
        Assert.Equal(["postgres:decisions"], TestLake.Query($"select distinct source from {TestLake.Scan(lake.Lake, "decisions")}").Single());
        Assert.True(File.Exists(Path.Combine(lake.Lake, "_state", "pg-watermarks.json")));
    }

    [Fact]
    public async Task ExtractAsync_CompoundTimestampKeyWithTies_NeitherSkipsNorRepeats()
    {
        using var lake = new TestLake("pglabels");
        var source = await CreateSourceAsync();
        var tie = T0.AddHours(1);
        for (var i = 0; i < 6; i++)
        {
            // One case re-labelled several times, every row written in the same transaction instant.
            await InsertLabelAsync(source, "L1", T0.AddMinutes(i), tie);
        }

        var first = await RunAsync(lake.Lake, source, "labels");
        Assert.Equal((2, 6L, 6L), (first.Pages, first.Rows, first.Landed));

        await InsertLabelAsync(source, "L1", T0.AddMinutes(10), tie);
        await InsertLabelAsync(source, "L0", T0.AddMinutes(11), tie.AddSeconds(1));
        var second = await RunAsync(lake.Lake, source, "labels");
        Assert.Equal((2L, 2L), (second.Rows, second.Landed));

        var rows = TestLake.Query($"select count(*), count(distinct (case_id, labeled_at)) from {TestLake.Scan(lake.Lake, "labels")}").Single();
        Assert.Equal(["8", "8"], rows);
    }

    [Fact]
    public void BuildPageQuery_WithWatermark_ComparesCompoundKeyAndOrdersByIt()
    {
        var sql = PostgresExtractor.BuildPageQuery("public", PostgresTable.ForName("labels"), hasWatermark: true);

        Assert.Contains("(updated_at, \"case_id\", \"labeled_at\") > ($3, $4::text, $5::timestamptz)", sql, StringComparison.Ordinal);
        Assert.Contains("order by updated_at, \"case_id\", \"labeled_at\"", sql, StringComparison.Ordinal);
        Assert.Contains("limit $2", sql, StringComparison.Ordinal);
    }

    private async Task<string> CreateSourceAsync()
    {
        var source = await postgres.CreateDatabaseAsync("source");
        await ExecuteAsync(source, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root(), "etl", "RiskOps.Etl", "Sources", "Postgres", "case_management_schema.sql")));
        return source;
    }

    private static async Task<PostgresTableExtract> RunAsync(string lake, string source, string table, int? failOnPage = null)
    {
        var extractor = TestPipelines.Extractor(lake, new PostgresSourceOptions
        {
            ConnectionString = source,
            PageSize = 4,
            SafetyLag = TimeSpan.Zero,
            Tables = table,
        });
        if (failOnPage is int page)
        {
            extractor.BeforeWatermarkSave = (_, p) => p == page ? throw new IOException("simulated crash before the watermark write") : Task.CompletedTask;
        }

        return (await extractor.ExtractAsync(CancellationToken.None)).Single();
    }

    private static Task InsertDecisionAsync(string source, int n, DateTimeOffset updatedAt, double confidence = 0.9) =>
        ExecuteAsync(source,
            """
            insert into decisions (case_id, case_type, scored_at, model_version, ai_decision, confidence, threshold, routing, priority, user_id, signals, region, updated_at)
            values ($1, 'ATO', $2, 'm-1', 'block', $3, 0.8, 'auto', 10, $4, array['new_device','vpn_ip'], 'EU', $5)
            """,
            $"D{n:D3}", T0.AddMinutes(n).UtcDateTime, confidence, $"user-{n}", updatedAt.UtcDateTime);

    private static Task InsertLabelAsync(string source, string caseId, DateTimeOffset labeledAt, DateTimeOffset updatedAt) =>
        ExecuteAsync(source,
            """
            insert into labels (case_id, label, label_source, labeled_by, labeled_at, updated_at)
            values ($1, 'TN', 'review', 'qa-1', $2, $3)
            """,
            caseId, labeledAt.UtcDateTime, updatedAt.UtcDateTime);

    private static async Task ExecuteAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
