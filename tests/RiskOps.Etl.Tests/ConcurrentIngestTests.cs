using System.Text;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>Overlapping deliveries staged at the same time: each record lands once in the raw glob.</summary>
public sealed class ConcurrentIngestTests : IDisposable
{
    private const int Shared = 100_000;

    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_TwoConcurrentDeliveriesSharing100kRecords_EachRecordLandsOnce()
    {
        var shared = new StringBuilder();
        for (var i = 0; i < Shared; i++)
        {
            shared.Append($"S{i},ATO,2026-11-{1 + (i % 28):00}T{i % 24:00}:{i % 60:00}:00Z,m1,block,0.9,0.8,auto,{i % 100},user-{i % 9000},vpn_ip,EU\n");
        }

        var a = _lake.Write("decisions_a.csv", Samples.DecisionsHeader + "\n" + shared + "A1,ATO,2026-11-03T01:00:00Z,m1,pass,0.7,0.8,manual,5,user-a,,EU\n");
        var b = _lake.Write("decisions_b.csv", Samples.DecisionsHeader + "\n" + shared + "B1,ATO,2026-11-04T01:00:00Z,m1,pass,0.7,0.8,manual,5,user-b,,EU\n");

        // Both batches finish staging (each deduped against a lake without the other) before either publishes.
        using var bothStaged = new Barrier(2);
        var first = _lake.Pipeline();
        var second = _lake.Pipeline();
        first.BeforePublishAsync = second.BeforePublishAsync = _ => Task.Run(() => Assert.True(bothStaged.SignalAndWait(TimeSpan.FromMinutes(2))));

        var results = await Task.WhenAll(
            Task.Run(() => first.IngestFileAsync(a, null, CancellationToken.None)),
            Task.Run(() => second.IngestFileAsync(b, null, CancellationToken.None)));

        var row = TestLake.Query($"select count(*), count(distinct record_hash), count(distinct case_id) from {_lake.Glob("decisions")}")[0];
        Assert.Equal(Shared + 2L, Convert.ToInt64(row[0]));
        Assert.Equal(Shared + 2L, Convert.ToInt64(row[1]));
        Assert.Equal(Shared + 2L, Convert.ToInt64(row[2]));
        Assert.Equal(Shared + 2L, results.Sum(r => r.Landed));
        Assert.Equal(Shared, results.Sum(r => r.Duplicates));

        // The later batch's staged files were rewritten without the shared records: same column types, lists kept.
        var types = Directory.GetFiles(Path.Combine(_lake.Lake, "decisions"), "*.parquet", SearchOption.AllDirectories)
            .Select(f => string.Join(",", TestLake.Query($"select column_name || ':' || column_type from (describe select * from read_parquet('{f}'))").Select(r => r[0])))
            .Distinct()
            .ToList();
        Assert.Single(types);
        Assert.Equal(2L, TestLake.Query($"select count(*) from {_lake.Glob("decisions")} where case_id in ('A1', 'B1') and signals = []")[0][0]);

        // The manifests agree with the lake, and the two publishes got different versions.
        var versions = LakeVersionLog.Read(_lake.Lake);
        Assert.Equal([1L, 2L], versions.Select(v => v.Version));
        Assert.Equal(Shared + 2L, versions.Sum(v => v.Landed));
        foreach (var entry in versions)
        {
            var rows = TestLake.Query($"select count(*) from {_lake.Glob("decisions")} where batch_id = '{entry.BatchId}'")[0][0];
            Assert.Equal(entry.Landed, Convert.ToInt64(rows));
        }
    }
}
