using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Lake;

/// <summary>One published lake version: the manifest that advanced the lake to it.</summary>
/// <param name="Version">The lake version (1-based, monotonic across the lake).</param>
/// <param name="BatchId">The batch the manifest completed.</param>
/// <param name="Kind">The record kind's lake name (<c>decisions</c>, …).</param>
/// <param name="PublishedAt">When the manifest was written (UTC); <paramref name="IngestedAt"/> for a manifest from before versions.</param>
/// <param name="IngestedAt">When the batch was ingested (UTC; the rows' <c>ingested_at</c>).</param>
/// <param name="Source">Where the batch came from.</param>
/// <param name="Landed">Valid records the batch wrote.</param>
/// <param name="Quarantined">Records it sent to quarantine.</param>
/// <param name="Files">Data files it wrote, relative to the lake root ('/'-separated); compaction may have merged them since.</param>
/// <param name="QuarantineFiles">Quarantine files it wrote, relative to the lake root.</param>
public sealed record LakeVersionEntry(
    long Version,
    string BatchId,
    string Kind,
    DateTimeOffset PublishedAt,
    DateTimeOffset IngestedAt,
    string Source,
    long Landed,
    long Quarantined,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> QuarantineFiles);

/// <summary>
/// The lake's version log: every manifest under <c>&lt;lake&gt;/_manifests/</c> is one version (docs/lake.md, "Lake
/// versions"). A manifest carries its <c>lake_version</c> and <c>published_at</c>; manifests written before versions
/// existed are numbered after the largest stored version in publish order (<c>ingested_at</c>, then <c>batch_id</c>,
/// ordinal) — the same rule the in-place backfill applies, so every reader gets the same numbers before and after it.
/// </summary>
public static class LakeVersionLog
{
    // Per lake: the manifest names already looked at and the largest version among them, so a publish reads only the
    // manifests written since the last one instead of every manifest of the lake. Only used under the lake lock.
    private static readonly ConcurrentDictionary<string, VersionCache> Caches = new(StringComparer.Ordinal);

    /// <summary>Every version of the lake at <paramref name="lakeRoot"/>, oldest first; empty for a lake without manifests.</summary>
    /// <exception cref="InvalidDataException">A manifest is not valid JSON.</exception>
    public static IReadOnlyList<LakeVersionEntry> Read(string lakeRoot)
    {
        var numbered = Number(ReadManifests(Path.GetFullPath(lakeRoot)));
        return numbered.Select(n => new LakeVersionEntry(
                n.Version,
                n.Manifest.BatchId,
                n.Manifest.Kind,
                n.Manifest.PublishedAt ?? n.Manifest.IngestedAt,
                n.Manifest.IngestedAt,
                n.Manifest.Source,
                n.Manifest.Landed,
                n.Manifest.Quarantined,
                n.Manifest.Files,
                n.Manifest.QuarantineFiles))
            .ToList();
    }

    /// <summary>The current lake version (the largest), or 0 when nothing was published yet.</summary>
    public static long Current(string lakeRoot) => Read(lakeRoot).Select(e => e.Version).DefaultIfEmpty(0).Max();

    /// <summary>
    /// Writes <c>lake_version</c> and <c>published_at</c> (= <c>ingested_at</c>) into every manifest that lacks them, in
    /// publish order; returns how many. The caller holds the lake lock.
    /// </summary>
    internal static int Backfill(string lakeRoot, ILogger logger)
    {
        var lake = Path.GetFullPath(lakeRoot);
        var manifests = ReadManifests(lake);
        if (manifests.All(m => m.Manifest.LakeVersion is not null))
        {
            return 0;
        }

        var count = 0;
        // Ascending order: a reader that looks half-way through sees the rewritten ones and numbers the rest as they will be.
        foreach (var (version, manifest, path) in Number(manifests).Where(n => n.Manifest.LakeVersion is null))
        {
            (manifest with { LakeVersion = version, PublishedAt = manifest.IngestedAt }).Write(path);
            count++;
        }

        logger.LogInformation("Backfilled lake_version into {Count} manifests of {Lake} (publish order: ingested_at, then batch_id)", count, lake);
        Caches.TryRemove(lake, out _);
        return count;
    }

    /// <summary>The version the next manifest gets (largest + 1), backfilling unversioned manifests first. The caller holds the lake lock.</summary>
    internal static long Next(string lakeRoot, ILogger logger)
    {
        var lake = Path.GetFullPath(lakeRoot);
        var folder = Path.Combine(lake, LakeLayout.ManifestFolder);
        var names = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var cache = Caches.GetOrAdd(lake, _ => new VersionCache());
        if (!cache.Names.IsSubsetOf(names))
        {
            // Manifests were removed (a lake deleted and made again under the same path): look at all of them again.
            cache = new VersionCache();
            Caches[lake] = cache;
        }

        foreach (var name in names.Where(n => !cache.Names.Contains(n)).ToList())
        {
            var manifest = BatchManifest.TryRead(Path.Combine(folder, name));
            if (manifest?.LakeVersion is null)
            {
                Backfill(lake, logger);
                return Next(lake, logger);
            }

            cache.Max = Math.Max(cache.Max, manifest.LakeVersion.Value);
            cache.Names.Add(name);
        }

        return cache.Max + 1;
    }

    /// <summary>Notes a manifest just written with <paramref name="version"/>. The caller holds the lake lock.</summary>
    internal static void Published(string lakeRoot, string batchId, long version)
    {
        var cache = Caches.GetOrAdd(Path.GetFullPath(lakeRoot), _ => new VersionCache());
        cache.Names.Add(batchId + ".json");
        cache.Max = Math.Max(cache.Max, version);
    }

    private static List<(BatchManifest Manifest, string Path)> ReadManifests(string lake)
    {
        var folder = Path.Combine(lake, LakeLayout.ManifestFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var manifests = new List<(BatchManifest, string)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            BatchManifest? manifest;
            try
            {
                manifest = BatchManifest.TryRead(path);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new InvalidDataException($"{path}: not a valid batch manifest ({ex.Message})", ex);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            if (manifest is not null)
            {
                manifests.Add((manifest, path));
            }
        }

        return manifests;
    }

    private static List<(long Version, BatchManifest Manifest, string Path)> Number(List<(BatchManifest Manifest, string Path)> manifests)
    {
        var max = manifests.Select(m => m.Manifest.LakeVersion ?? 0).DefaultIfEmpty(0).Max();
        var numbered = manifests
            .Where(m => m.Manifest.LakeVersion is not null)
            .Select(m => (m.Manifest.LakeVersion!.Value, m.Manifest, m.Path))
            .ToList();
        numbered.AddRange(manifests
            .Where(m => m.Manifest.LakeVersion is null)
            .OrderBy(m => m.Manifest.IngestedAt.UtcTicks)
            .ThenBy(m => m.Manifest.BatchId, StringComparer.Ordinal)
            .Select((m, i) => (max + 1 + i, m.Manifest, m.Path)));
        return numbered.OrderBy(n => n.Item1).ThenBy(n => n.Manifest.BatchId, StringComparer.Ordinal).ToList();
    }

    private sealed class VersionCache
    {
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        public long Max { get; set; }
    }
}
