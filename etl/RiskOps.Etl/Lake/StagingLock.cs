using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Marks a staging folder as in use: an exclusively opened <c>.lock</c> file, released by the OS when the process dies.
/// A folder whose lock can be taken belongs to a dead run and is removed by the next ingest. A folder is never visible
/// under its name without its lock held: it is created under a claim name, locked, then renamed into place, so another
/// process cleaning abandoned folders cannot take a folder in the instant between its creation and its lock.
/// </summary>
internal static class StagingLock
{
    private const string LockName = ".lock";

    /// <summary>The name prefix of a folder being claimed (created, not yet renamed into place).</summary>
    internal const string ClaimPrefix = ".claim-";

    /// <summary>A claim folder older than this was left by a process that died between its creation and its rename.</summary>
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromHours(1);

    /// <summary>
    /// Takes over a batch's staging folder: a leftover of a dead run is removed; a folder locked by a live run means the
    /// same batch is being ingested right now, which is refused rather than raced.
    /// </summary>
    public static IDisposable AcquireFresh(string directory, string batchId)
    {
        if (Directory.Exists(directory))
        {
            try
            {
                using (new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                }
            }
            catch (IOException ex)
            {
                throw new BatchInProgressException($"batch {batchId} is being ingested by another run right now; retry when it has finished", ex);
            }

            Directory.Delete(directory, recursive: true);
        }

        try
        {
            return Acquire(directory);
        }
        catch (IOException ex) when (Directory.Exists(directory))
        {
            // Another run claimed the same batch's folder between the removal above and the rename.
            throw new BatchInProgressException($"batch {batchId} is being ingested by another run right now; retry when it has finished", ex);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> with its lock held and returns the lock; throws <see cref="IOException"/> when
    /// the folder already exists (another run owns it, or it was not cleaned).
    /// </summary>
    public static IDisposable Acquire(string directory)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        Directory.CreateDirectory(parent);
        var claim = Path.Combine(parent, ClaimPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(claim);
        var handle = new FileStream(Path.Combine(claim, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            Directory.Move(claim, directory);
            return handle;
        }
        catch
        {
            handle.Dispose();
            Directory.Delete(claim, recursive: true);
            throw;
        }
    }

    public static void CleanAbandoned(string stagingRoot, ILogger logger, TimeProvider time)
    {
        if (!Directory.Exists(stagingRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(stagingRoot))
        {
            if (Path.GetFileName(directory).StartsWith(ClaimPrefix, StringComparison.Ordinal)
                && time.GetUtcNow().UtcDateTime - Directory.GetLastWriteTimeUtc(directory) < ClaimGrace)
            {
                // Being claimed right now (its lock may not be open yet); a dead claim is removed once it is old.
                continue;
            }

            if (PublishJournal.Pending(Path.GetDirectoryName(Path.GetFullPath(stagingRoot))!, Path.GetFileName(directory)))
            {
                // A publish died half-way: its staged files are what recovery completes it from.
                continue;
            }

            try
            {
                using (new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                }

                Directory.Delete(directory, recursive: true);
                logger.LogInformation("Removed the abandoned staging folder {Folder}", directory);
            }
            catch (IOException)
            {
                // Locked: a live batch is using it.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to remove.
            }
        }
    }
}

/// <summary>The same batch is being ingested by another run at this moment; retry later (nothing was written).</summary>
public sealed class BatchInProgressException(string message, Exception? inner = null) : IOException(message, inner);
