using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace RiskOps.Cli.Tests;

/// <summary>
/// Contract v2 §3 through the real executable: versions and freshness on every --json answer, `riskops rollup`,
/// folding before reading, --raw as the reference, the as-of offset rule, the sql sandbox and `riskops experiments`.
/// </summary>
public sealed class ReadModelCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-readmodel-" + Guid.NewGuid().ToString("N"));
    private string Lake => Path.Combine(_dir, "lake");

    public ReadModelCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private const string Decisions =
        "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n" +
        "c1,ATO,2026-11-16T10:00:00Z,m1,block,0.95,0.8,auto,10,user-a,new_device,EU\n" +
        "c2,ATO,2026-11-16T11:00:00Z,m1,block,0.6,0.8,manual,80,user-b,,EU\n" +
        "c3,KYC_AUDIT,2026-11-17T00:00:00Z,m2,pass,0.9,0.8,auto,5,user-c,,EU\n";

    private const string Labels =
        "case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n" +
        "c1,TP,review,,,,,lab1,2026-11-17T00:00:00Z\n" +
        "c2,FP,review,,A,ATO.x,,lab1,2026-11-17T00:00:00Z\n";

    private const string MoreDecisions =
        "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n" +
        "c4,ATO,2026-11-18T10:00:00Z,m1,pass,0.97,0.8,auto,10,user-d,,EU\n";

    private async Task IngestAsync(string name, string text)
    {
        var file = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(file, text);
        var result = await CliRunner.RunAsync("ingest", "--lake", Lake, file);
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    [Fact]
    public async Task JsonAnswers_CarryVersionsAndFreshness_FoldPendingBatchesAndMatchRaw()
    {
        await IngestAsync("decisions_1.csv", Decisions);
        await IngestAsync("labels_1.csv", Labels);
        var published = ManifestTimes().Max();

        foreach (var command in new[] { "metrics", "thresholds", "clusters", "experiments" })
        {
            string[] asOf = command is "metrics" or "experiments" ? ["--as-of", "2026-11-20T00:00:00Z"] : [];
            var folded = await CliRunner.RunJsonAsync([command, "--lake", Lake, "--json", .. asOf]);
            Assert.Equal(2, folded.GetProperty("lake_version").GetInt64());
            Assert.Equal(2, folded.GetProperty("rollup_version").GetInt64());
            Assert.Equal(published, folded.GetProperty("data_through").GetDateTimeOffset());

            var raw = await CliRunner.RunJsonAsync([command, "--lake", Lake, "--json", "--raw", .. asOf]);
            Assert.Equal(2, raw.GetProperty("lake_version").GetInt64());
            Assert.Equal(JsonValueKind.Null, raw.GetProperty("rollup_version").ValueKind);
            Assert.Equal(published, raw.GetProperty("data_through").GetDateTimeOffset());
            Assert.Equal(WithoutRollupVersion(raw), WithoutRollupVersion(folded));
        }

        var current = await CliRunner.RunAsync("rollup", "--lake", Lake);
        Assert.Equal(0, current.ExitCode);
        Assert.StartsWith("rollup version 2 is current", current.StdOut, StringComparison.Ordinal);

        // A new batch: pending until a reader or `riskops rollup` folds it.
        await IngestAsync("decisions_2.csv", MoreDecisions);
        var fold = await CliRunner.RunAsync("rollup", "--lake", Lake);
        Assert.StartsWith("rollup version 3 published (1 batch folded, incremental: 1 case on 1 day recomputed", fold.StdOut, StringComparison.Ordinal);
        var afterFold = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--json", "--as-of", "2026-11-20T00:00:00Z");
        var rawAfterFold = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--json", "--as-of", "2026-11-20T00:00:00Z", "--raw");
        Assert.Equal(WithoutRollupVersion(rawAfterFold), WithoutRollupVersion(afterFold));
        await IngestAsync("decisions_3.csv", MoreDecisions.Replace("c4,", "c5,", StringComparison.Ordinal));
        var metrics = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--json", "--as-of", "2026-11-20T00:00:00Z");
        Assert.Equal(4, metrics.GetProperty("lake_version").GetInt64());
        Assert.Equal(4, metrics.GetProperty("rollup_version").GetInt64());
        Assert.Equal(5, metrics.GetProperty("overall").GetProperty("decisions").GetInt64());
        var rebuild = await CliRunner.RunAsync("rollup", "--lake", Lake, "--rebuild");
        Assert.StartsWith("rollup version 4 published (0 batches folded, rebuilt: --rebuild", rebuild.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("experiments")]
    public async Task AsOf_WithoutOffset_OneLineExit2(string command)
    {
        await IngestAsync("decisions_1.csv", Decisions);

        var result = await CliRunner.RunAsync(command, "--lake", Lake, "--as-of", "2026-11-20T00:00:00");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("offset", line, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut.Trim());
    }

    [Fact]
    public async Task Sql_HostileQueries_OneLineExit2AndNothingWritten()
    {
        await IngestAsync("decisions_1.csv", Decisions);
        var evil = Path.Combine(Lake, "decisions", "dt=2026-11-16", "part-evil.parquet");
        string[] attacks =
        [
            $"explain analyze copy (select * from raw_decisions) to '{evil}' (format parquet)",
            "select * from read_text('/etc/passwd')",
            "select 1; select 2",
            "attach ':memory:' as x",
        ];
        foreach (var attack in attacks)
        {
            var result = await CliRunner.RunAsync("sql", "--lake", Lake, attack);
            Assert.True(result.ExitCode == 2, $"{attack}: exit {result.ExitCode} {result.StdErr}");
            Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.DoesNotContain("root:", result.StdOut + result.StdErr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(evil));
        var timeout = await CliRunner.RunAsync("sql", "--lake", Lake, "--timeout", "1", "select count(*) from range(100000000000000)");
        Assert.Equal(2, timeout.ExitCode);
        Assert.Contains("time limit", timeout.StdErr, StringComparison.Ordinal);
        var ok = await CliRunner.RunJsonAsync("sql", "--lake", Lake, "--json", "select count(*) as n from decisions");
        Assert.Equal(3, ok[0].GetProperty("n").GetInt64());
    }

    [Fact]
    public async Task Experiments_BetterAndWorseTreatments_ShipAndRollback()
    {
        // Blocks labelled by review: control precision 36/60, better 57/60, worse 18/60; every arm 60 cases (n ≥ 30).
        await IngestAsync("labels_0.csv", "case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n");
        var decisions = new StringBuilder("case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region,experiment,variant\n");
        var labels = new StringBuilder("case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n");
        var n = 0;
        foreach (var (variant, tp) in new[] { ("control", 36), ("better", 57), ("worse", 18) })
        {
            for (var i = 0; i < 60; i++)
            {
                var id = $"x{n++:D3}";
                decisions.Append(CultureInfo.InvariantCulture, $"{id},ATO,2026-11-16T{i % 24:D2}:00:00Z,m1,block,0.9,0.8,auto,10,u{id},,EU,ato-threshold,{variant}\n");
                labels.Append(CultureInfo.InvariantCulture, $"{id},{(i < tp ? "TP" : "FP")},review,,{(i < tp ? "" : "B")},,,lab,2026-11-17T00:00:00Z\n");
            }
        }

        WriteDecisionsParquet(decisions.ToString());
        await IngestAsync("labels_1.csv", labels.ToString());

        var json = await CliRunner.RunJsonAsync("experiments", "--lake", Lake, "--json", "--as-of", "2026-11-20T00:00:00Z");

        var entries = json.GetProperty("experiments").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        var all = entries[0];
        Assert.Equal("ato-threshold", all.GetProperty("experiment").GetString());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("case_type").ValueKind);
        Assert.Equal("ATO", entries[1].GetProperty("case_type").GetString());
        Assert.Equal(["control", "better", "worse"], all.GetProperty("variants").EnumerateArray().Select(v => v.GetProperty("variant").GetString()));
        var control = all.GetProperty("variants")[0];
        Assert.Equal(60, control.GetProperty("decisions").GetInt64());
        Assert.Equal(60, control.GetProperty("labeled_cases").GetInt64());
        Assert.Equal(0.6, control.GetProperty("precision_weighted").GetDouble(), 12);
        foreach (var key in new[] { "recall_weighted", "automation_rate", "sla_compliance", "precision_est", "recall_est" })
        {
            Assert.True(control.TryGetProperty(key, out _), key);
        }

        var comparison = all.GetProperty("comparisons").EnumerateArray()
            .Single(c => c.GetProperty("variant").GetString() == "better" && c.GetProperty("metric").GetString() == "precision_weighted");
        Assert.Equal(0.6, comparison.GetProperty("control").GetDouble(), 12);
        Assert.Equal(0.95, comparison.GetProperty("value").GetDouble(), 12);
        Assert.Equal(0.35, comparison.GetProperty("diff").GetDouble(), 12);
        Assert.True(comparison.GetProperty("ci_low").GetDouble() > 0);
        Assert.True(comparison.GetProperty("significant").GetBoolean());
        foreach (var entry in entries)
        {
            Assert.Equal("ship", entry.GetProperty("verdicts").GetProperty("better").GetString());
            Assert.Equal("rollback", entry.GetProperty("verdicts").GetProperty("worse").GetString());
        }

        var text = await CliRunner.RunAsync("experiments", "--lake", Lake, "--as-of", "2026-11-20T00:00:00Z");
        Assert.Contains("better ship", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("worse rollback", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiments_DefaultDemo_ShowsRollbackAndShip()
    {
        // The demo's delivery files; decisions land as Parquet with their experiment columns (see WriteDecisionsParquet).
        var files = Path.Combine(_dir, "demo-files");
        var demo = await CliRunner.RunAsync("demo", "--out-files", files, "--seed", "42", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
        foreach (var file in Directory.GetFiles(files).Where(f => !Path.GetFileName(f).StartsWith("decisions", StringComparison.Ordinal)))
        {
            var result = await CliRunner.RunAsync("ingest", "--lake", Lake, file);
            Assert.True(result.ExitCode == 0, result.StdErr);
        }

        WriteDecisionsParquet(File.ReadAllText(Directory.GetFiles(files, "decisions*").Single()));

        var json = await CliRunner.RunJsonAsync("experiments", "--lake", Lake, "--json", "--as-of", "2026-11-23T00:00:00Z");

        var verdicts = json.GetProperty("experiments").EnumerateArray()
            .Where(e => e.GetProperty("case_type").ValueKind == JsonValueKind.Null)
            .ToDictionary(e => e.GetProperty("experiment").GetString()!, e => e.GetProperty("verdicts").GetProperty("treatment").GetString());
        Assert.True(verdicts["reset2fa-threshold-2026-11"] == "rollback", json.GetRawText());
        Assert.True(verdicts["poa-model-2026-11"] == "ship", json.GetRawText());
    }

    /// <summary>
    /// Decisions with experiment/variant written as the lake stores them (Parquet under decisions/dt=…, lineage columns,
    /// a manifest), so the test does not depend on the ingest schema carrying the v2 columns.
    /// </summary>
    private void WriteDecisionsParquet(string csv)
    {
        var file = Path.Combine(_dir, "experiment-decisions.csv");
        File.WriteAllText(file, csv);
        using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $$"""
            set TimeZone = 'UTC';
            copy (
                select * exclude (signals), []::varchar[] as signals, now() as ingested_at, 'exp-batch' as batch_id, 'test' as source,
                    row_number() over ()::bigint as source_line, md5(case_id) as record_hash, scored_at::date as dt
                from read_csv('{{file}}', header = true, types = {'scored_at': 'TIMESTAMPTZ', 'priority': 'INTEGER', 'signals': 'VARCHAR'})
            ) to '{{Path.Combine(Lake, "decisions")}}' (format parquet, partition_by (dt), append, filename_pattern 'part-exp-{uuid}')
            """;
        command.ExecuteNonQuery();
        var manifest = new JsonObject
        {
            ["batch_id"] = "exp-batch",
            ["kind"] = "decisions",
            ["source"] = "test",
            ["ingested_at"] = DateTimeOffset.UtcNow,
            // The warehouse reads only the files a manifest lists (docs/lake.md).
            ["files"] = new JsonArray(Directory.GetFiles(Path.Combine(Lake, "decisions"), "part-exp-*.parquet", SearchOption.AllDirectories)
                .Select(f => (JsonNode)Path.GetRelativePath(Lake, f).Replace(Path.DirectorySeparatorChar, '/')).ToArray()),
        };
        File.WriteAllText(Path.Combine(Lake, "_manifests", "exp-batch.json"), manifest.ToJsonString());
    }

    private IEnumerable<DateTimeOffset> ManifestTimes() => Directory.GetFiles(Path.Combine(Lake, "_manifests"), "*.json")
        .Select(f => JsonNode.Parse(File.ReadAllText(f))!)
        .Select(m => (m["published_at"] ?? m["ingested_at"])!.GetValue<DateTimeOffset>());

    private static string WithoutRollupVersion(JsonElement answer)
    {
        var node = JsonNode.Parse(answer.GetRawText())!.AsObject();
        node.Remove("rollup_version");
        return node.ToJsonString();
    }
}
