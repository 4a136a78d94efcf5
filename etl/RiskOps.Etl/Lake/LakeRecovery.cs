using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RiskOps.Etl.Lake;

/// <summary>
/// Puts a lake in order after a crash or an upgrade: completes or rolls back interrupted publishes (their journals) and
/// backfills <c>lake_version</c> into manifests written before versions existed. Every ingest does it before it starts,
/// compaction before it swaps, and <see cref="LakeRecoveryService"/> when a host (web app, worker) starts.
/// </summary>
public static class LakeRecovery
{
    /// <summary>Recovers the lake at <paramref name="lakeRoot"/>; returns the interrupted publishes found and the manifests backfilled.</summary>
    public static async Task<(int InterruptedPublishes, int Backfilled)> RecoverAsync(string lakeRoot, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var lake = Path.GetFullPath(lakeRoot);
        if (!Directory.Exists(lake))
        {
            return (0, 0);
        }

        using (await LakeLock.AcquireAsync(lake, cancellationToken).ConfigureAwait(false))
        {
            var interrupted = PublishJournal.RecoverAll(lake, time, logger);
            var backfilled = LakeVersionLog.Backfill(lake, logger);
            return (interrupted, backfilled);
        }
    }

    /// <summary>True when the lake has a journal of an interrupted publish (cheap: one directory listing).</summary>
    internal static bool HasPendingJournals(string lake)
    {
        var folder = Path.Combine(lake, LakeLayout.JournalFolder);
        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.json").Any();
    }
}

/// <summary>Runs <see cref="LakeRecovery.RecoverAsync"/> on <c>Lake:Root</c> when the host starts (web app, <c>riskops worker</c>).</summary>
public sealed class LakeRecoveryService(IOptions<LakeOptions> options, TimeProvider time, ILogger<LakeRecoveryService> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (interrupted, backfilled) = await LakeRecovery.RecoverAsync(options.Value.Root, time, logger, cancellationToken).ConfigureAwait(false);
        if (interrupted > 0 || backfilled > 0)
        {
            logger.LogWarning("Lake recovery at start: {Interrupted} interrupted publishes completed or rolled back, {Backfilled} manifests given a lake_version", interrupted, backfilled);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
