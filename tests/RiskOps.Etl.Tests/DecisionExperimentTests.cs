using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>Contract v2: decisions' optional <c>experiment</c> and <c>variant</c>.</summary>
public sealed class DecisionExperimentTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_RecordWithoutExperiment_KeepsTheRecordHashOfThePreV2Code()
    {
        var file = _lake.Write("decisions.csv", Samples.Decisions);

        await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        // Captured by running the code before experiment/variant existed on the same file with the same hash key.
        var hashes = TestLake.Query($"select case_id, record_hash from {_lake.Glob("decisions")} order by case_id").Select(r => $"{r[0]}={r[1]}");
        Assert.Equal(
            ["C1=98f6769bebf97ccca3ee636371062244", "C2=7d7e172d0375ab834a80a01dbc8b55d3", "C3=e6373f949a38ce15f8412421c367c7a7"],
            hashes);
    }

    [Fact]
    public async Task IngestFileAsync_ExperimentAndVariant_StoredInTheirColumnsAndOldRecordRedeliveredLandsOnce()
    {
        var header = Samples.DecisionsHeader + ",experiment,variant";
        var file = _lake.Write("decisions_ab.csv",
            header + "\n" +
            "X1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-1,,EU,ato-threshold-2026-11,control\n" +
            "X2,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-2,,EU,ato-threshold-2026-11,lower\n" +
            "X3,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-3,,EU,ato-threshold-2026-11,\n" +
            "X4,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-4,,EU,,\n");
        var ndjson = _lake.Write("decisions_ab.ndjson",
            ContractV2InputTests.DecisionLine("X5", "u-5", ("experiment", "\"exp-2\""), ("variant", "\"control\"")) + "\n" +
            ContractV2InputTests.DecisionLine("X6", "u-6", ("experiment", "\"exp-2\"")) + "\n");
        var pipeline = _lake.Pipeline();

        var csv = await pipeline.IngestFileAsync(file, null, CancellationToken.None);
        var json = await pipeline.IngestFileAsync(ndjson, null, CancellationToken.None);

        Assert.Equal(3, csv.Landed);
        Assert.Equal("variant: required when experiment is set (the baseline arm is named control)", Assert.Single(csv.QuarantineSample).Reason);
        Assert.Equal(4, Assert.Single(csv.QuarantineSample).Line);
        Assert.Equal(1, json.Landed);
        Assert.Equal(2, Assert.Single(json.QuarantineSample).Line);
        var rows = TestLake.Query($"select case_id, experiment, variant from {_lake.Glob("decisions")} order by case_id");
        Assert.Equal(["X1|ato-threshold-2026-11|control", "X2|ato-threshold-2026-11|lower", "X4||", "X5|exp-2|control"], rows.Select(r => string.Join('|', r)));
        Assert.Equal(
            ["VARCHAR", "VARCHAR"],
            TestLake.NodeQuery($"select column_type from (describe select experiment, variant from {_lake.Glob("decisions")})").EnumerateArray().Select(e => e.GetProperty("column_type").GetString()));

        // X4 again, in a pre-v2 file without the two columns: the same record, so a duplicate.
        var old = _lake.Write("decisions_old.csv", Samples.DecisionsHeader + "\nX4,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-4,,EU\n");
        var again = await pipeline.IngestFileAsync(old, null, CancellationToken.None);
        Assert.Equal(0, again.Landed);
        Assert.Equal(1, again.Duplicates);
    }

    [Fact]
    public async Task CompactionJob_PartitionWrittenBeforeV2_CompactsWithNullExperimentAndVariant()
    {
        await _lake.Pipeline().IngestFileAsync(_lake.Write("decisions.csv", Samples.Decisions), null, CancellationToken.None);
        foreach (var file in Directory.GetFiles(Path.Combine(_lake.Lake, "decisions"), "*.parquet", SearchOption.AllDirectories))
        {
            // Make the file look like one written before v2: without the two columns.
            var old = file + ".old";
            TestLake.Query($"copy (select * exclude (experiment, variant) from read_parquet('{file}')) to '{old}' (format parquet)");
            File.Move(old, file, overwrite: true);
        }

        var job = new Jobs.CompactionJob(
            Microsoft.Extensions.Options.Options.Create(new LakeOptions { Root = _lake.Lake }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Jobs.CompactionJob>.Instance);

        var results = await job.RunAllAsync(RecordKind.Decisions, CancellationToken.None);

        Assert.NotEmpty(results);
        var rows = TestLake.Query($"select count(*), count(experiment), count(variant) from {_lake.Glob("decisions")}")[0];
        Assert.Equal([3L, 0L, 0L], rows.Select(v => (long)v!));
    }

    [Fact]
    public void DecisionsColumns_IncludeExperimentAndVariantAfterRegion() =>
        Assert.Equal(
            ["signals", "region", "experiment", "variant", "ingested_at"],
            LakeLayout.ColumnNames(RecordKind.Decisions).Skip(10).Take(5));
}
