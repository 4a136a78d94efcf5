using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>Lake versions: every manifest written advances a lake-wide, monotonic version; compaction advances nothing.</summary>
public sealed class LakeVersionTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_EachNewBatch_ManifestGetsNextLakeVersionAndPublishedAt()
    {
        var pipeline = _lake.Pipeline();
        await pipeline.IngestFileAsync(_lake.Write("decisions_a.csv", Samples.Decisions), null, CancellationToken.None);
        _lake.Time.Advance(TimeSpan.FromMinutes(5));
        await pipeline.IngestFileAsync(_lake.Write("labels_a.csv", Samples.Labels), null, CancellationToken.None);
        _lake.Time.Advance(TimeSpan.FromMinutes(5));
        var reviews = await pipeline.IngestFileAsync(_lake.Write("reviews_a.csv", Samples.Reviews), null, CancellationToken.None);
        var again = await pipeline.IngestFileAsync(Path.Combine(_lake.Input, "decisions_a.csv"), null, CancellationToken.None);

        Assert.True(again.AlreadyIngested);
        var manifest = JsonNode.Parse(File.ReadAllText(LakeLayout.ManifestPath(_lake.Lake, reviews.BatchId)))!;
        Assert.Equal(3L, manifest["lake_version"]!.GetValue<long>());
        Assert.Equal(TestLake.Now.AddMinutes(10), DateTimeOffset.Parse(manifest["published_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var log = LakeVersionLog.Read(_lake.Lake);
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Version));
        Assert.Equal(["decisions", "labels", "reviews"], log.Select(e => e.Kind));
        Assert.Equal(3L, LakeVersionLog.Current(_lake.Lake));

        // Compaction rewrites files but writes no manifest and changes no version.
        var manifestsBefore = Directory.GetFiles(Path.Combine(_lake.Lake, LakeLayout.ManifestFolder)).Select(File.ReadAllText).ToList();
        var job = new CompactionJob(Options.Create(new LakeOptions { Root = _lake.Lake }), NullLogger<CompactionJob>.Instance);
        Assert.NotEmpty(await job.RunAllAsync(null, CancellationToken.None));
        Assert.Equal(manifestsBefore, Directory.GetFiles(Path.Combine(_lake.Lake, LakeLayout.ManifestFolder)).Select(File.ReadAllText).ToList());
        Assert.Equal(3L, LakeVersionLog.Current(_lake.Lake));
    }

    [Fact]
    public async Task IngestFileAsync_ConcurrentProcessesAndThreads_NeverShareAVersion()
    {
        const int Processes = 3;
        const int Threads = 6;
        var files = Enumerable.Range(0, Processes + Threads)
            .Select(i => _lake.Write($"decisions_{i}.csv", Samples.DecisionsHeader + $"\nV{i},ATO,2026-11-0{1 + (i % 9)}T10:00:00Z,m1,block,0.9,0.8,auto,1,user-{i},,EU\n"))
            .ToList();
        var children = files.Take(Processes).Select(f => StartHost(_lake.Lake, f)).ToList();
        var pipeline = _lake.Pipeline();
        await Task.WhenAll(files.Skip(Processes).Select(f => Task.Run(() => pipeline.IngestFileAsync(f, null, CancellationToken.None))));
        foreach (var child in children)
        {
            var stderr = child.StandardError.ReadToEndAsync();
            await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(child.ExitCode == 0, await stderr);
            child.Dispose();
        }

        var versions = LakeVersionLog.Read(_lake.Lake).Select(e => e.Version).ToList();
        Assert.Equal(Enumerable.Range(1, Processes + Threads).Select(v => (long)v), versions);
        var stored = Directory.GetFiles(Path.Combine(_lake.Lake, LakeLayout.ManifestFolder), "*.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["lake_version"]!.GetValue<long>())
            .Order();
        Assert.Equal(versions, stored);
    }

    [Fact]
    public async Task LakeVersionLog_LakeWithoutVersions_NumberedInPublishOrderThenBackfilledByIngestAndByHostStart()
    {
        var pipeline = _lake.Pipeline();
        var late = await pipeline.IngestFileAsync(_lake.Write("labels_a.csv", Samples.Labels), null, CancellationToken.None);
        var early1 = await pipeline.IngestFileAsync(_lake.Write("decisions_a.csv", Samples.Decisions), null, CancellationToken.None);
        var early2 = await pipeline.IngestFileAsync(_lake.Write("reviews_a.csv", Samples.Reviews), null, CancellationToken.None);

        // An old lake: no lake_version, no published_at; ingested_at decides the order, batch_id breaks ties.
        var lateAt = TestLake.Now.AddHours(1);
        foreach (var path in Directory.GetFiles(Path.Combine(_lake.Lake, LakeLayout.ManifestFolder), "*.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            node.Remove("lake_version");
            node.Remove("published_at");
            if (node["batch_id"]!.GetValue<string>() == late.BatchId)
            {
                node["ingested_at"] = lateAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }

            File.WriteAllText(path, node.ToJsonString());
        }

        var early = new[] { early1.BatchId, early2.BatchId }.Order(StringComparer.Ordinal).ToList();
        string[] expected = [early[0], early[1], late.BatchId];
        var read = LakeVersionLog.Read(_lake.Lake);
        Assert.Equal([1L, 2L, 3L], read.Select(e => e.Version));
        Assert.Equal(expected, read.Select(e => e.BatchId));
        Assert.Equal(lateAt, read[2].PublishedAt);

        // One copy of the old lake is backfilled by its next ingest, another by a host start (web app or worker).
        var byIngest = Path.Combine(_lake.Root, "by-ingest");
        var byStart = Path.Combine(_lake.Root, "by-start");
        CopyDirectory(_lake.Lake, byIngest);
        CopyDirectory(_lake.Lake, byStart);
        var pipelineOfCopy = new IngestPipeline(new LakeOptions { Root = byIngest, HashKey = "test-hash-key" }, _lake.Time, NullLogger<IngestPipeline>.Instance);
        var fresh = await pipelineOfCopy.IngestFileAsync(_lake.Write("qa_audits_a.csv", Samples.QaAudits), null, CancellationToken.None);
        var service = new LakeRecoveryService(Options.Create(new LakeOptions { Root = byStart }), _lake.Time, NullLogger<LakeRecoveryService>.Instance);
        await service.StartAsync(CancellationToken.None);

        foreach (var lake in new[] { byIngest, byStart })
        {
            var stored = expected.Select(id => JsonNode.Parse(File.ReadAllText(LakeLayout.ManifestPath(lake, id)))!).ToList();
            Assert.Equal([1L, 2L, 3L], stored.Select(n => n["lake_version"]!.GetValue<long>()));
            Assert.All(stored, n => Assert.Equal(n["ingested_at"]!.GetValue<DateTimeOffset>(), n["published_at"]!.GetValue<DateTimeOffset>()));
            Assert.Equal(expected, LakeVersionLog.Read(lake).Take(3).Select(e => e.BatchId));
        }

        Assert.Equal(4L, JsonNode.Parse(File.ReadAllText(LakeLayout.ManifestPath(byIngest, fresh.BatchId)))!["lake_version"]!.GetValue<long>());
        Assert.Equal(3, LakeVersionLog.Read(byStart).Count);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static Process StartHost(string lake, string file)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(TestHost).Assembly.Location);
        start.ArgumentList.Add("ingest");
        start.ArgumentList.Add(lake);
        start.ArgumentList.Add(file);
        return Process.Start(start)!;
    }
}
