using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>
/// Staging folders under concurrent cleanup: a folder another run (here another thread; across processes the lock is the
/// same OS file lock) is still using must never be taken for abandoned, not even in the instant after its creation.
/// </summary>
public sealed class StagingLockTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Acquire_WhileAnotherRunCleansAbandonedFolders_HeldFolderIsNeverRemoved()
    {
        var root = Path.Combine(_lake.Root, "_staging");
        Directory.CreateDirectory(root);
        using var stop = new CancellationTokenSource();
        var cleanups = 0;
        var cleaner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                StagingLock.CleanAbandoned(root, NullLogger.Instance, TimeProvider.System);
                cleanups++;
            }
        });

        var lost = new List<string>();
        try
        {
            for (var i = 0; i < 5000; i++)
            {
                var folder = Path.Combine(root, $"batch-{i}");
                using (StagingLock.Acquire(folder))
                {
                    // A run writes its staged files right after taking the folder; the cleaner runs meanwhile.
                    try
                    {
                        File.WriteAllText(Path.Combine(folder, "part.parquet"), "staged");
                        Thread.Yield();
                        if (!File.Exists(Path.Combine(folder, "part.parquet")))
                        {
                            lost.Add(folder);
                        }
                    }
                    catch (DirectoryNotFoundException)
                    {
                        lost.Add(folder);
                    }
                }
            }
        }
        finally
        {
            stop.Cancel();
            await cleaner;
        }

        Assert.True(cleanups > 0, "the cleaner should have run");
        Assert.Empty(lost);
        // Released folders are abandoned: the next cleanup removes every one of them, claim folders included.
        StagingLock.CleanAbandoned(root, NullLogger.Instance, TimeProvider.System);
        Assert.Empty(Directory.EnumerateDirectories(root));
    }

    [Fact]
    public void AcquireFresh_FolderHeldByAnotherRun_RefusedWithBatchInProgress()
    {
        var folder = Path.Combine(_lake.Root, "_staging", "batch-held");
        using var held = StagingLock.Acquire(folder);

        var error = Assert.Throws<BatchInProgressException>(() => StagingLock.AcquireFresh(folder, "batch-held"));

        Assert.Contains("batch-held", error.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(folder), "the held folder stays");
    }

    [Fact]
    public void Acquire_FolderAlreadyThere_ThrowsAndLeavesNoClaimFolder()
    {
        var root = Path.Combine(_lake.Root, "_staging");
        var folder = Path.Combine(root, "taken");
        Directory.CreateDirectory(folder);

        Assert.ThrowsAny<IOException>(() => StagingLock.Acquire(folder));

        Assert.Equal([folder], Directory.EnumerateDirectories(root).ToArray());
    }
}
