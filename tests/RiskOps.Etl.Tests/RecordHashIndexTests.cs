using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Tests;

/// <summary>Dedupe reads only published files (issue 12 item 8): a stray Parquet file no manifest lists changes nothing.</summary>
public sealed class RecordHashIndexTests : IDisposable
{
    private const string Header = Samples.DecisionsHeader + "\n";
    private const string Record = "S1,ATO,2026-11-02T10:15:30Z,m-1.4,block,0.97,0.9,auto,80,user-stray,new_device,EU\n";
    private readonly TestLake _lake = new();
    private readonly TestLake _elsewhere = new();

    public void Dispose()
    {
        _lake.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public async Task IngestFileAsync_StrayFileInThePartitionHoldsTheRecord_RecordStillLandsOnceAndDedupesAfter()
    {
        // The lake has a published batch in the partition, so its manifests list files.
        await _lake.Pipeline().IngestFileAsync(_lake.Write("first.csv", Header + "P1,ATO,2026-11-02T09:00:00Z,m-1.4,pass,0.4,0.9,manual,10,user-p,,EU\n"), null, CancellationToken.None);
        // The same record landed in another lake; its file is copied into this lake's partition by hand (no manifest).
        var copy = await _elsewhere.Pipeline().IngestFileAsync(_elsewhere.Write("s.csv", Header + Record), null, CancellationToken.None);
        Assert.Equal(1, copy.Landed);
        var partition = Path.Combine(_lake.Lake, "decisions", "dt=2026-11-02");
        var source = Directory.GetFiles(Path.Combine(_elsewhere.Lake, "decisions", "dt=2026-11-02"), "*.parquet").Single();
        File.Copy(source, Path.Combine(partition, "part-stray.parquet"));
        Assert.Single(TestLake.Query($"select 1 from read_parquet('{Path.Combine(partition, "part-stray.parquet")}') where case_id = 'S1'"));

        var landed = await _lake.Pipeline().IngestFileAsync(_lake.Write("s.csv", Header + Record), null, CancellationToken.None);
        // A later delivery (another batch: one new record besides it) finds the published copy.
        var again = await _lake.Pipeline().IngestFileAsync(
            _lake.Write("s-again.csv", Header + Record + "S2,ATO,2026-11-02T11:00:00Z,m-1.4,pass,0.3,0.9,manual,10,user-s2,,EU\n"), null, CancellationToken.None);

        Assert.Equal((1L, 0L), (landed.Landed, landed.Duplicates));
        // Against the published copy, dedupe works as before.
        Assert.Equal((1L, 1L), (again.Landed, again.Duplicates));
        var published = Directory.GetFiles(partition, "*.parquet").Where(f => Path.GetFileName(f) != "part-stray.parquet").ToList();
        var rows = TestLake.Query($"select count(*) from read_parquet([{string.Join(", ", published.Select(f => $"'{f}'"))}]) where case_id = 'S1'");
        Assert.Equal(1L, Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }
}
