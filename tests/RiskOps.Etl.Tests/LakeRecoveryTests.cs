using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>
/// An interrupted publish (a journal, some files renamed, no manifest) is completed by a landing scan with nothing to land
/// (how a worker recovers after its start) and rolled back by a host start when its staged files are gone.
/// </summary>
public sealed class LakeRecoveryTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LandingScanJob_RunAsyncWithEmptyLandingAfterInterruptedPublish_CompletesTheBatch()
    {
        var batchId = await InterruptedPublishAsync(keepStaged: true);
        Assert.Equal(2, _lake.Count("decisions"));

        var scan = new LandingScanJob(_lake.Pipeline(), Options.Create(new EtlOptions()), NullLogger<LandingScanJob>.Instance);
        Assert.Equal(0, (await scan.RunAsync(CancellationToken.None)).Processed);

        Assert.Equal(3, _lake.Count("decisions"));
        Assert.Equal(1L, BatchManifest.TryRead(LakeLayout.ManifestPath(_lake.Lake, batchId))!.LakeVersion);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_lake.Lake, LakeLayout.JournalFolder), "*.json"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_lake.Lake, LakeLayout.StagingFolder)));
    }

    [Fact]
    public async Task LakeRecoveryService_StartAsyncAfterInterruptedPublishWhoseStagingIsGone_RollsTheBatchBack()
    {
        var batchId = await InterruptedPublishAsync(keepStaged: false);
        Assert.Equal(2, _lake.Count("decisions"));

        var service = new LakeRecoveryService(Options.Create(new LakeOptions { Root = _lake.Lake }), _lake.Time, NullLogger<LakeRecoveryService>.Instance);
        await service.StartAsync(CancellationToken.None);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_lake.Lake, "decisions"), "*.parquet", SearchOption.AllDirectories));
        Assert.False(File.Exists(LakeLayout.ManifestPath(_lake.Lake, batchId)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_lake.Lake, LakeLayout.JournalFolder), "*.json"));

        // Delivered again, it lands whole.
        var again = await _lake.Pipeline().IngestFileAsync(Path.Combine(_lake.Input, "decisions_a.csv"), null, CancellationToken.None);
        Assert.Equal(3, again.Landed);
        Assert.Equal(3, _lake.Count("decisions"));
    }

    /// <summary>
    /// Lands <see cref="Samples.Decisions"/> (two partitions), then puts the lake back in the state of a publisher killed
    /// after its first rename: the second file back in staging (or gone), the manifest not written, the journal there.
    /// </summary>
    private async Task<string> InterruptedPublishAsync(bool keepStaged)
    {
        var result = await _lake.Pipeline().IngestFileAsync(_lake.Write("decisions_a.csv", Samples.Decisions), null, CancellationToken.None);
        var manifestPath = LakeLayout.ManifestPath(_lake.Lake, result.BatchId);
        var manifest = BatchManifest.TryRead(manifestPath)!;
        File.Delete(manifestPath);
        var staging = $"{LakeLayout.StagingFolder}/{result.BatchId}";
        var renames = manifest.Files.Select(f => new JournalRename($"{staging}/{f}", f)).ToList();
        Assert.Equal(2, renames.Count);
        var staged = Path.Combine(_lake.Lake, renames[1].Staged);
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        File.Move(Path.Combine(_lake.Lake, renames[1].Final), staged);
        if (!keepStaged)
        {
            File.Delete(staged);
        }

        new PublishJournal
        {
            BatchId = result.BatchId,
            Staging = staging,
            Renames = renames,
            Manifest = manifest with { LakeVersion = null, PublishedAt = null },
        }.Write(_lake.Lake);
        return result.BatchId;
    }
}
