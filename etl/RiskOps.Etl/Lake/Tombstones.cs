using System.Collections.Concurrent;
using System.Text.Json;

namespace RiskOps.Etl.Lake;

/// <summary>One erased user: the hash of their id (never the id) and the erasure that removed them.</summary>
/// <param name="UserHash">HMAC-SHA256 hex of the user id, as the lake stores it in <c>user_id</c>.</param>
/// <param name="ErasureId">The erasure (its manifest is <c>_manifests/&lt;erasure_id&gt;.json</c>, its audit record <c>_erasure/audit/&lt;erasure_id&gt;.json</c>).</param>
/// <param name="ErasedAt">When the erasure was published (UTC).</param>
public sealed record Tombstone(string UserHash, string ErasureId, DateTimeOffset ErasedAt);

/// <summary>
/// The lake's tombstones, <c>&lt;lake&gt;/_erasure/tombstones/&lt;user_hash&gt;.json</c> (docs/lake.md, "Erasure"): users erased
/// by <see cref="Erasure"/>. An ingest refuses a decision whose hashed user id has a tombstone with the reason
/// <c>erased</c> (quarantined with no raw text), so a re-delivery of an erased user's records never lands again.
/// </summary>
public static class Tombstones
{
    /// <summary>The erasure folder under the lake root (tombstones and audit records).</summary>
    public const string Folder = "_erasure";

    /// <summary>The quarantine reason of a record refused because its user was erased.</summary>
    public const string ErasedReason = "erased";

    // Per lake: the tombstone folder's write time and the hashes read then, so an ingest reads the folder once per change.
    private static readonly ConcurrentDictionary<string, (DateTime Stamp, IReadOnlySet<string> Hashes)> Cache = new(StringComparer.Ordinal);

    /// <summary>The folder of the tombstones.</summary>
    public static string TombstoneFolder(string lakeRoot) => Path.Combine(lakeRoot, Folder, "tombstones");

    /// <summary>The folder of the erasure audit records.</summary>
    public static string AuditFolder(string lakeRoot) => Path.Combine(lakeRoot, Folder, "audit");

    /// <summary>The lake-relative path of a user's tombstone.</summary>
    internal static string RelativePath(string userHash) => $"{Folder}/tombstones/{userHash}.json";

    /// <summary>The user hashes with a tombstone (empty when none).</summary>
    public static IReadOnlySet<string> Hashes(string lakeRoot)
    {
        var folder = TombstoneFolder(Path.GetFullPath(lakeRoot));
        if (!Directory.Exists(folder))
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var stamp = Directory.GetLastWriteTimeUtc(folder);
        if (Cache.TryGetValue(folder, out var cached) && cached.Stamp == stamp)
        {
            return cached.Hashes;
        }

        var hashes = Directory.EnumerateFiles(folder, "*.json")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        Cache[folder] = (stamp, hashes);
        return hashes;
    }

    /// <summary>Every tombstone, oldest first.</summary>
    public static IReadOnlyList<Tombstone> Read(string lakeRoot)
    {
        var folder = TombstoneFolder(Path.GetFullPath(lakeRoot));
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFiles(folder, "*.json")
            .Select(f => JsonSerializer.Deserialize<Tombstone>(File.ReadAllText(f), BatchManifest.JsonOptions))
            .OfType<Tombstone>()
            .OrderBy(t => t.ErasedAt)
            .ToList();
    }

    /// <summary>Writes <paramref name="tombstone"/> durably to <paramref name="path"/> (a staging path; the publish renames it into place).</summary>
    internal static void WriteStaged(string path, Tombstone tombstone)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, tombstone, BatchManifest.JsonOptions);
        stream.Flush(flushToDisk: true);
    }
}
