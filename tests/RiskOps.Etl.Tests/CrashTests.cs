using System.Diagnostics;
using System.Text;

namespace RiskOps.Etl.Tests;

/// <summary>Kills a real ingest process mid-batch and checks that a re-run leaves the lake exactly as one clean run would.</summary>
public sealed class CrashTests : IDisposable
{
    // Enough rows that the process is still staging when the test sees the first staged file.
    private const int RowCount = 60_000;

    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_ProcessKilledWhileStagingAndWhilePublishing_RerunEqualsCleanRun()
    {
        var file = Path.Combine(_lake.Input, "decisions_big.csv");
        var builder = new StringBuilder(Samples.DecisionsHeader + "\n");
        for (var i = 0; i < RowCount; i++)
        {
            builder.Append($"C{i},ATO,2026-11-{1 + (i % 10):00}T{i % 24:00}:00:00Z,m1,{(i % 3 == 0 ? "pass" : "block")},0.{i % 100:00},0.8,auto,{i % 100},user-{i % 5000},vpn_ip|new_device,EU\n");
        }

        builder.Append("BAD,ATO,2026-11-01T00:00:00Z,m1,block,9,0.8,auto,1,user-x,,\n");
        await File.WriteAllTextAsync(file, builder.ToString());
        var crashLake = Path.Combine(_lake.Root, "crash-lake");
        var cleanLake = Path.Combine(_lake.Root, "clean-lake");

        // 1. Killed while staging: staging appears, the process dies before anything is published.
        using (var process = StartHost(crashLake, file, pause: false))
        {
            var staging = Path.Combine(crashLake, "_staging");
            var deadline = Stopwatch.StartNew();
            while (!(Directory.Exists(staging) && Directory.EnumerateFiles(staging, "*.parquet", SearchOption.AllDirectories).Any()) && !process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(5);
            }

            Assert.False(process.HasExited, "the ingest finished before it could be killed; make the file bigger");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.False(Directory.Exists(Path.Combine(crashLake, "decisions")));

        // 2. Killed while publishing: the first file is renamed into place, the manifest is not written.
        using (var process = StartHost(crashLake, file, pause: true))
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.StartsWith("PUBLISHED ", line, StringComparison.Ordinal);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Single(Directory.GetDirectories(Path.Combine(crashLake, "decisions")));
        Assert.False(Directory.Exists(Path.Combine(crashLake, "_manifests")) && Directory.EnumerateFiles(Path.Combine(crashLake, "_manifests")).Any());

        // 3. Re-run to completion, and a clean single run for comparison.
        Assert.Equal(0, await RunHostAsync(crashLake, file));
        Assert.Equal(0, await RunHostAsync(cleanLake, file));

        Assert.Equal(Listing(cleanLake), Listing(crashLake));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(crashLake, "_staging")));
        var crash = TestLake.Query($"select count(*), count(distinct record_hash), sum(hash(record_hash, batch_id, source_line, ingested_at)) from read_parquet('{crashLake}/decisions/**/*.parquet')");
        var clean = TestLake.Query($"select count(*), count(distinct record_hash), sum(hash(record_hash, batch_id, source_line, ingested_at)) from read_parquet('{cleanLake}/decisions/**/*.parquet')");
        Assert.Equal((long)RowCount, Convert.ToInt64(clean[0][0]));
        Assert.Equal(clean[0], crash[0]);
        Assert.Equal(1L, TestLake.Query($"select count(*) from read_parquet('{crashLake}/quarantine/**/*.parquet')")[0][0]);
    }

    private static List<string> Listing(string lake) =>
        Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(lake, f)} {new FileInfo(f).Length}")
            .Where(f => !f.StartsWith("_manifests", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static Process StartHost(string lake, string file, bool pause)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(TestHost).Assembly.Location);
        start.ArgumentList.Add("ingest");
        start.ArgumentList.Add(lake);
        start.ArgumentList.Add(file);
        if (pause)
        {
            start.ArgumentList.Add("pause-after-publish");
        }

        return Process.Start(start)!;
    }

    private static async Task<int> RunHostAsync(string lake, string file)
    {
        using var process = StartHost(lake, file, pause: false);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(process.ExitCode == 0, await stderr);
        return process.ExitCode;
    }
}
