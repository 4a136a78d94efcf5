using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Marks a staging folder as in use: an exclusively opened <c>.lock</c> file, released by the OS when the process dies.
/// A folder whose lock can be taken belongs to a dead run and is removed by the next ingest.
/// </summary>
internal static class StagingLock
{
    private const string LockName = ".lock";

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
