using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Marks a staging folder as in use: an exclusively opened <c>.lock</c> file, released by the OS when the process dies.
/// A folder whose lock can be taken belongs to a dead run and is removed by the next ingest.
/// </summary>
internal static class StagingLock
{
    private const string LockName = ".lock";

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

        return Acquire(directory);
    }

    public static IDisposable Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }

    public static void CleanAbandoned(string stagingRoot, ILogger logger)
    {
        if (!Directory.Exists(stagingRoot))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(stagingRoot))
        {
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
