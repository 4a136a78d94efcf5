using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Health;

/// <summary>What the readiness checks and the metrics read from the lake's batch manifests and rollup pointer.</summary>
/// <param name="PendingBatches">Batches published after the current rollup.</param>
/// <param name="RollupLag">Age of the oldest of those (zero when none).</param>
/// <param name="WindowRecords">Records read by batches published within the quarantine window.</param>
/// <param name="WindowQuarantined">Records of those batches that went to quarantine.</param>
internal sealed record LakeActivitySnapshot(int PendingBatches, TimeSpan RollupLag, long WindowRecords, long WindowQuarantined);

/// <summary>
/// Reads batch freshness from file times only (<c>_manifests/*.json</c> against <c>_rollups/CURRENT</c>), parsing only the
/// manifests of the quarantine window, so a probe costs one directory listing.
/// </summary>
internal sealed class LakeActivity(IOptions<LakeOptions> lake, IOptions<HealthOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions ManifestJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Reads the lake now.</summary>
    public LakeActivitySnapshot Read()
    {
        var root = Path.GetFullPath(lake.Value.Root);
        var manifests = Path.Combine(root, LakeLayout.ManifestFolder);
        if (!Directory.Exists(manifests))
        {
            return new LakeActivitySnapshot(0, TimeSpan.Zero, 0, 0);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var pointer = new FileInfo(Path.Combine(root, "_rollups", "CURRENT"));
        var folded = pointer.Exists ? pointer.LastWriteTimeUtc : DateTime.MinValue;
        var windowStart = now - TimeSpan.FromMinutes(options.Value.QuarantineWindowMinutes);
        int pending = 0;
        var oldestPending = DateTime.MaxValue;
        long records = 0, quarantined = 0;
        foreach (var file in new DirectoryInfo(manifests).EnumerateFiles("*.json"))
        {
            var written = file.LastWriteTimeUtc;
            if (written > folded)
            {
                pending++;
                oldestPending = written < oldestPending ? written : oldestPending;
            }

            if (written >= windowStart && TryRead(file.FullName) is { } manifest)
            {
                records += manifest.Records;
                quarantined += manifest.Quarantined;
            }
        }

        var lag = pending == 0 || oldestPending > now ? TimeSpan.Zero : now - oldestPending;
        return new LakeActivitySnapshot(pending, lag, records, quarantined);
    }

    private static ManifestCounts? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ManifestCounts>(File.ReadAllText(path), ManifestJson);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private sealed record ManifestCounts(long Records, long Quarantined);
}
