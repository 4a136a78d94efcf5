using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>
/// A real ingest process killed (SIGKILL) in the middle of publishing a batch that spans thousands of dates: the next
/// ingest, compaction or host start completes the batch from its journal, so the lake holds it exactly once.
/// </summary>
public sealed class PublishCrashTests : IDisposable
{
    private const int Days = 2_500;
    private const int RowsPerDay = 2;
    private const int PauseAtFile = 28;

    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_KilledMidPublishOfThousandsOfDates_NextIngestCompletesTheBatchOnce()
    {
        var file = await BigFileAsync();
        var lake = Path.Combine(_lake.Root, "lake-a");
        await KillMidPublishAsync(lake, file);
        Assert.Equal(PauseAtFile, DataFiles(lake));

        // The next ingest (another delivery, another process) recovers the interrupted publish before its own.
        var small = _lake.Write("decisions_small.csv", Samples.Decisions);
        Assert.Equal(0, await RunHostAsync(lake, small));

        AssertBatchOnce(lake, Days * RowsPerDay + 3);
        var versions = LakeVersionLog.Read(lake);
        Assert.Equal([1L, 2L], versions.Select(v => v.Version));
        Assert.Equal(Days, versions[0].Files.Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(lake, LakeLayout.JournalFolder), "*.json"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(lake, LakeLayout.StagingFolder)));

        // A re-delivery is a no-op now.
        Assert.Equal(0, await RunHostAsync(lake, file));
        AssertBatchOnce(lake, Days * RowsPerDay + 3);
        Assert.Equal(2, LakeVersionLog.Read(lake).Count);
    }

    [Fact]
    public async Task CompactionJob_RunAsyncAfterKillMidPublish_CompletesThePublishFirstAndRerunAddsNothing()
    {
        var file = await BigFileAsync();
        var lake = Path.Combine(_lake.Root, "lake-b");
        await KillMidPublishAsync(lake, file);

        var job = new CompactionJob(Options.Create(new LakeOptions { Root = lake }), NullLogger<CompactionJob>.Instance);
        var compacted = await job.RunAsync(RiskOps.Etl.Contract.RecordKind.Decisions, new DateOnly(2019, 1, 1), CancellationToken.None);

        Assert.Equal(RowsPerDay, compacted!.Rows);
        Assert.Equal(Days, DataFiles(lake));
        AssertBatchOnce(lake, Days * RowsPerDay);
        Assert.Equal(0, await RunHostAsync(lake, file));
        AssertBatchOnce(lake, Days * RowsPerDay);
        Assert.Single(LakeVersionLog.Read(lake));
    }

    [Fact]
    public async Task IngestFileAsync_RerunOfHalfBatchLeftWithoutJournalAndCompacted_DedupesAgainstItsOwnCompactedRows()
    {
        // What a crash on the old code left: part of the batch visible, no journal, no manifest; then a compaction.
        var file = await BigFileAsync();
        var lake = Path.Combine(_lake.Root, "lake-c");
        await KillMidPublishAsync(lake, file);
        foreach (var journal in Directory.EnumerateFiles(Path.Combine(lake, LakeLayout.JournalFolder), "*.json"))
        {
            File.Delete(journal);
        }

        Directory.Delete(Path.Combine(lake, LakeLayout.StagingFolder), recursive: true);
        var visible = Count(lake);
        Assert.Equal(PauseAtFile * RowsPerDay, visible);
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = lake }), NullLogger<CompactionJob>.Instance);
        Assert.Equal(PauseAtFile, (await job.RunAllAsync(null, CancellationToken.None)).Count);

        var pipeline = new IngestPipeline(new LakeOptions { Root = lake, HashKey = TestHost.HashKey }, _lake.Time, NullLogger<IngestPipeline>.Instance);
        var result = await pipeline.IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(visible, result.Duplicates);
        Assert.Equal(Days * RowsPerDay - visible, result.Landed);
        AssertBatchOnce(lake, Days * RowsPerDay);
    }

    private async Task<string> BigFileAsync()
    {
        var builder = new StringBuilder(Samples.DecisionsHeader + "\n");
        var first = new DateOnly(2019, 1, 1);
        for (var d = 0; d < Days; d++)
        {
            var day = first.AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            for (var r = 0; r < RowsPerDay; r++)
            {
                builder.Append($"D{d}-{r},ATO,{day}T{r:00}:30:00Z,m1,block,0.{10 + (d % 90)},0.8,auto,{d % 100},user-{d % 700},vpn_ip,EU\n");
            }
        }

        var path = Path.Combine(_lake.Input, "decisions_many_days.csv");
        await File.WriteAllTextAsync(path, builder.ToString());
        return path;
    }

    private static async Task KillMidPublishAsync(string lake, string file)
    {
        using var process = StartHost(lake, file, $"pause-after-publish:{PauseAtFile}");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.StartsWith("PUBLISHED ", line, StringComparison.Ordinal);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        // Half a batch is visible now, without a manifest; its journal says how to finish it.
        Assert.False(Directory.Exists(Path.Combine(lake, LakeLayout.ManifestFolder)) && Directory.EnumerateFiles(Path.Combine(lake, LakeLayout.ManifestFolder)).Any());
        var journal = Assert.Single(Directory.GetFiles(Path.Combine(lake, LakeLayout.JournalFolder), "*.json"));
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(journal));
        Assert.Equal(Days, document.RootElement.GetProperty("renames").GetArrayLength());
        Assert.Equal(Days * RowsPerDay, document.RootElement.GetProperty("manifest").GetProperty("landed").GetInt64());
    }

    private static int DataFiles(string lake) => Directory.EnumerateFiles(Path.Combine(lake, "decisions"), "*.parquet", SearchOption.AllDirectories).Count();

    private static long Count(string lake) =>
        Convert.ToInt64(TestLake.Query($"select count(*) from read_parquet('{lake}/decisions/**/*.parquet')")[0][0]);

    private static void AssertBatchOnce(string lake, long rows)
    {
        var row = TestLake.Query($"select count(*), count(distinct record_hash), count(distinct case_id) from read_parquet('{lake}/decisions/**/*.parquet')")[0];
        Assert.Equal(rows, Convert.ToInt64(row[0]));
        Assert.Equal(rows, Convert.ToInt64(row[1]));
        Assert.Equal(rows, Convert.ToInt64(row[2]));
    }

    private static Process StartHost(string lake, string file, string? option)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(TestHost).Assembly.Location);
        start.ArgumentList.Add("ingest");
        start.ArgumentList.Add(lake);
        start.ArgumentList.Add(file);
        if (option is not null)
        {
            start.ArgumentList.Add(option);
        }

        return Process.Start(start)!;
    }

    private static async Task<int> RunHostAsync(string lake, string file)
    {
        using var process = StartHost(lake, file, null);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, await stderr);
        return process.ExitCode;
    }
}
