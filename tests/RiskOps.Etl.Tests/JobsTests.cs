using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

public sealed class JobsTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LandingScanJob_RunAsync_IngestsAndMovesFilesFailedOnesWithReason()
    {
        var landing = Path.Combine(_lake.Root, "landing");
        Directory.CreateDirectory(landing);
        File.WriteAllText(Path.Combine(landing, "decisions_2026-11-02.csv"), Samples.Decisions);
        File.WriteAllText(Path.Combine(landing, "export.ndjson"), "{\"audit_id\":\"A1\",\"review_id\":\"R1\",\"auditor_id\":\"q\",\"audited_at\":\"2026-11-05T10:00:00Z\",\"verdict\":\"correct\"}\n");
        File.WriteAllText(Path.Combine(landing, "garbage.csv"), "x,y\n1,2\n");
        File.WriteAllText(Path.Combine(landing, "upload.csv.part"), "still being written");
        var job = new LandingScanJob(_lake.Pipeline(), Options.Create(new EtlOptions()), NullLogger<LandingScanJob>.Instance);

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(Path.GetFullPath(landing), job.LandingFolder);
        Assert.Equal(2, result.Processed);
        Assert.Equal(1, result.Failed);
        Assert.Equal(3, _lake.Count("decisions"));
        Assert.Equal(1, _lake.Count("qa_audits"));
        Assert.False(Directory.Exists(Path.Combine(landing, "processed")));
        Assert.True(File.Exists(Path.Combine(landing, "failed", "garbage.csv")));
        Assert.Contains("cannot tell the record kind", File.ReadAllText(Path.Combine(landing, "failed", "garbage.csv.reason.txt")), StringComparison.Ordinal);
        Assert.Equal(["upload.csv.part"], Directory.GetFiles(landing).Select(Path.GetFileName));
    }

    [Fact]
    public async Task CompactionJob_RunAsync_OneSortedFileWithSameRowsAndTypes()
    {
        var pipeline = _lake.Pipeline();
        await pipeline.IngestFileAsync(_lake.Write("decisions_a.csv", Samples.Decisions), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("decisions_b.csv",
            Samples.DecisionsHeader + "\nC0,ATO,2026-11-02T01:00:00Z,m-1.4,block,0.97,0.9,auto,80,user-zed,vpn_ip,EU\n" +
            "C1,ATO,2026-11-02T12:00:00Z,m-1.5,pass,0.55,0.9,manual,80,user-alice,,EU\n"), null, CancellationToken.None);
        var partition = LakeLayout.PartitionDirectory(_lake.Lake, RecordKind.Decisions, new DateOnly(2026, 11, 2));
        Assert.Equal(2, Directory.GetFiles(partition).Length);
        var columns = "* exclude (dt)";
        var before = Snapshot(columns);
        var typesBefore = TestLake.Query($"select column_name, column_type from (describe select * from {_lake.Glob("decisions")})").Select(r => $"{r[0]}:{r[1]}").ToList();
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = _lake.Lake }), NullLogger<CompactionJob>.Instance);

        var results = await job.RunAllAsync(RecordKind.Decisions, CancellationToken.None);

        var result = Assert.Single(results, r => r.Dt == new DateOnly(2026, 11, 2));
        Assert.Equal(4, result.Rows);
        var file = Assert.Single(Directory.GetFiles(partition));
        Assert.StartsWith("part-compacted-", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(columns));
        Assert.Equal(typesBefore, TestLake.Query($"select column_name, column_type from (describe select * from {_lake.Glob("decisions")})").Select(r => $"{r[0]}:{r[1]}").ToList());
        var order = TestLake.Query($"select case_id, scored_at::varchar from read_parquet('{file}')").Select(r => $"{r[0]} {r[1]}").ToList();
        Assert.Equal(order.Order(StringComparer.Ordinal).ToList(), order);
        var node = TestLake.NodeQuery($"select column_type from (describe select scored_at, signals, priority from read_parquet('{file}'))");
        Assert.Equal(["TIMESTAMP WITH TIME ZONE", "VARCHAR[]", "INTEGER"], node.EnumerateArray().Select(e => e.GetProperty("column_type").GetString()));
        Assert.Null(await job.RunAsync(RecordKind.Decisions, new DateOnly(2026, 11, 2), CancellationToken.None));

        // The batch manifests still make a re-delivery a no-op after compaction.
        var again = await pipeline.IngestFileAsync(Path.Combine(_lake.Input, "decisions_a.csv"), null, CancellationToken.None);
        Assert.True(again.AlreadyIngested);
        Assert.Equal(5, _lake.Count("decisions"));
    }

    [Fact]
    public async Task CompactionJob_RunAllAsync_SingleFreshFileIsRewrittenOnceThenLeftAlone()
    {
        var pipeline = _lake.Pipeline();
        await pipeline.IngestFileAsync(_lake.Write("decisions_one.csv",
            Samples.DecisionsHeader + "\nS1,ATO,2026-11-05T01:00:00Z,m-1.4,block,0.97,0.9,auto,80,user-zed,vpn_ip,EU\n"), null, CancellationToken.None);
        var partition = LakeLayout.PartitionDirectory(_lake.Lake, RecordKind.Decisions, new DateOnly(2026, 11, 5));
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = _lake.Lake }), NullLogger<CompactionJob>.Instance);

        Assert.Contains((RecordKind.Decisions, new DateOnly(2026, 11, 5)), CompactionJob.PartitionsToCompact(_lake.Lake));
        var first = await job.RunAllAsync(RecordKind.Decisions, CancellationToken.None);

        Assert.Equal(1, Assert.Single(first).InputFiles);
        Assert.StartsWith("part-compacted-", Path.GetFileName(Assert.Single(Directory.GetFiles(partition))), StringComparison.Ordinal);
        Assert.Empty(CompactionJob.PartitionsToCompact(_lake.Lake));
        Assert.Empty(await job.RunAllAsync(RecordKind.Decisions, CancellationToken.None));
        Assert.Equal(1, _lake.Count("decisions"));
    }

    [Fact]
    public async Task CompactionJob_RunAllAsync_TruncatedFileIsSkippedNamedAndOtherPartitionsCompacted()
    {
        var pipeline = _lake.Pipeline();
        await pipeline.IngestFileAsync(_lake.Write("decisions_a.csv", Samples.Decisions), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("decisions_b.csv",
            Samples.DecisionsHeader + "\nT1,ATO,2026-11-02T01:00:00Z,m-1.4,block,0.97,0.9,auto,80,user-zed,vpn_ip,EU\n" +
            "T2,ATO,2026-11-03T12:00:00Z,m-1.5,pass,0.55,0.9,manual,80,user-alice,,EU\n"), null, CancellationToken.None);
        var broken = Directory.GetFiles(LakeLayout.PartitionDirectory(_lake.Lake, RecordKind.Decisions, new DateOnly(2026, 11, 2))).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(broken);
        File.WriteAllBytes(broken, bytes[..(bytes.Length / 2)]);
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = _lake.Lake }), NullLogger<CompactionJob>.Instance);

        var results = await job.RunAllAsync(null, CancellationToken.None);

        var day2 = Assert.Single(results, r => r.Dt == new DateOnly(2026, 11, 2));
        var skipped = Assert.Single(day2.Unreadable);
        Assert.Equal(broken, skipped.Path);
        Assert.False(string.IsNullOrWhiteSpace(skipped.Reason));
        Assert.Equal(1, day2.InputFiles);
        Assert.True(File.Exists(broken));
        var day3 = Assert.Single(results, r => r.Dt == new DateOnly(2026, 11, 3));
        Assert.Empty(day3.Unreadable);
        Assert.Equal(2, day3.Rows);
        Assert.Equal(2L, TestLake.Query($"select count(*) from read_parquet('{_lake.Lake}/decisions/dt=2026-11-03/*.parquet')")[0][0]);

        // The next sweep still names the file but rewrites nothing again.
        var again = Assert.Single(await job.RunAllAsync(null, CancellationToken.None));
        Assert.Null(again.File);
        Assert.Equal(broken, Assert.Single(again.Unreadable).Path);
    }

    private List<string> Snapshot(string columns) =>
        TestLake.Query($"select {columns} from {_lake.Glob("decisions")} order by record_hash")
            .Select(r => string.Join('|', r.Select(v => v is System.Collections.IEnumerable e and not string ? string.Join(',', e.Cast<object>()) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
}
