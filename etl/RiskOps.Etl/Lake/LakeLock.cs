namespace RiskOps.Etl.Lake;

/// <summary>
/// The lake-wide publish lock: an exclusively opened <c>&lt;lake&gt;/_journal/.lock</c>, released by the OS when the
/// holder dies. Held only for the short steps that change what the raw glob shows or number the lake's versions — the
/// final dedupe against rows published since a batch started, the journal, the renames, the manifest (lake version) and
/// a compaction's swap — never while a batch is read and staged. Works across threads and processes on one file system.
/// </summary>
internal static class LakeLock
{
    /// <summary>How long a publish waits for another before it gives up.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    /// <summary>Takes the lock of <paramref name="lakeRoot"/>, waiting for the current holder.</summary>
    /// <exception cref="TimeoutException">Another holder kept it for longer than ten minutes.</exception>
    public static async Task<IDisposable> AcquireAsync(string lakeRoot, CancellationToken cancellationToken)
    {
        var path = Path.Combine(lakeRoot, LakeLayout.JournalFolder, ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = Environment.TickCount64;
        var delay = 2;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (Environment.TickCount64 - started < Patience.TotalMilliseconds)
            {
                // Held by another publish (this or another process): they last milliseconds to seconds.
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"the lake lock {path} has been held for more than {Patience.TotalMinutes:0} minutes", ex);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Synchronous <see cref="AcquireAsync"/>, for callers that are not async.</summary>
    public static IDisposable Acquire(string lakeRoot, CancellationToken cancellationToken = default) =>
        AcquireAsync(lakeRoot, cancellationToken).GetAwaiter().GetResult();
}
