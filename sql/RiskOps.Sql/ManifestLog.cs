using System.Globalization;
using System.Text.Json;

namespace RiskOps.Sql;

/// <summary>One published batch as the warehouse sees it: its lake version and when it was published.</summary>
/// <param name="BatchId">The batch id (the manifest's file name).</param>
/// <param name="LakeVersion">The manifest's <c>lake_version</c>, or its place in publish order on a lake written before versions.</param>
/// <param name="PublishedAt">The manifest's <c>published_at</c>, else its <c>ingested_at</c> (UTC).</param>
/// <param name="Operation">The manifest's <c>operation</c>: <c>ingest</c> (also when absent), <c>replay</c> or <c>erase</c>.</param>
public sealed record LakeBatch(string BatchId, long LakeVersion, DateTimeOffset PublishedAt, string Operation = "ingest");

/// <summary>
/// Reads the lake's manifest log (<c>&lt;lake&gt;/_manifests/*.json</c>, written by the ETL's publish step) into lake
/// versions. Every manifest counts (ingest, replay, erasure rewrites); compaction writes none, so it changes no version.
/// Manifests without <c>lake_version</c> (lakes written before versions) are numbered 1, 2, … in publish order
/// (<c>ingested_at</c>, then <c>batch_id</c>), which is how the ETL backfills them. The sql project reads the log itself
/// (it does not reference the ETL): only the fields it needs, tolerating any others.
/// </summary>
public static class ManifestLog
{
    /// <summary>The manifest folder under the lake root (the ETL's <c>LakeLayout.ManifestFolder</c>).</summary>
    public const string Folder = "_manifests";

    /// <summary>Every readable manifest of the lake at <paramref name="lakeRoot"/>, by lake version (an empty list when none).</summary>
    public static IReadOnlyList<LakeBatch> Read(string lakeRoot)
    {
        var folder = Path.Combine(lakeRoot, Folder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var versioned = new List<LakeBatch>();
        var unversioned = new List<(string BatchId, DateTimeOffset At, string Operation)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (TryParse(path) is not { } entry)
            {
                continue;
            }

            if (entry.Version is { } version)
            {
                versioned.Add(new LakeBatch(entry.BatchId, version, entry.PublishedAt, entry.Operation));
            }
            else
            {
                unversioned.Add((entry.BatchId, entry.PublishedAt, entry.Operation));
            }
        }

        // Old manifests predate every versioned one: they take the first numbers, in publish order.
        var numbered = unversioned
            .OrderBy(b => b.At)
            .ThenBy(b => b.BatchId, StringComparer.Ordinal)
            .Select((b, i) => new LakeBatch(b.BatchId, i + 1, b.At, b.Operation));
        return numbered.Concat(versioned).OrderBy(b => b.LakeVersion).ThenBy(b => b.BatchId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The lake's version (the highest of its manifests; 0 for a lake without any) and the batches behind it.</summary>
    public static LakeState State(string lakeRoot) => new(Read(lakeRoot));

    /// <summary>
    /// A stamp that changes whenever a manifest is written, replaced or removed (the manifest folder's write time and
    /// entry count): one directory stat, so a reader can cache what it derived from the log by this stamp.
    /// </summary>
    public static string ChangeStamp(string lakeRoot)
    {
        var folder = Path.Combine(lakeRoot, Folder);
        return Directory.Exists(folder)
            ? Directory.GetLastWriteTimeUtc(folder).Ticks.ToString(CultureInfo.InvariantCulture)
            : "none";
    }

    /// <summary>
    /// Every data and quarantine file the lake's manifests list (lake-relative, '/'-separated, as the manifests write
    /// them). Empty when no manifest lists a file: a lake built by hand or before manifests listed their files.
    /// </summary>
    public static IReadOnlySet<string> ListedFiles(string lakeRoot)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var folder = Path.Combine(lakeRoot, Folder);
        if (!Directory.Exists(folder))
        {
            return listed;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var name in new[] { "files", "quarantine_files" })
                {
                    if (document.RootElement.TryGetProperty(name, out var files) && files.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var file in files.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String))
                        {
                            listed.Add(file.GetString()!.Replace('\\', '/'));
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                // Being replaced or damaged: read on the next change of the log.
            }
        }

        return listed;
    }

    /// <summary>
    /// The data and quarantine files one batch's manifest (<c>_manifests/&lt;batch_id&gt;.json</c>) lists, lake-relative;
    /// null when that manifest cannot be read or is not a batch's (a fold then cannot locate the batch's rows).
    /// </summary>
    public static IReadOnlyList<string>? FilesOf(string lakeRoot, string batchId)
    {
        var path = Path.Combine(lakeRoot, Folder, batchId + ".json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var files = new List<string>();
            foreach (var name in new[] { "files", "quarantine_files" })
            {
                if (document.RootElement.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    files.AddRange(list.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!.Replace('\\', '/')));
                }
            }

            return files;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string BatchId, long? Version, DateTimeOffset PublishedAt, string Operation)? TryParse(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var batchId = root.TryGetProperty("batch_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()!
                : Path.GetFileNameWithoutExtension(path);
            long? version = root.TryGetProperty("lake_version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
            var at = Instant(root, "published_at") ?? Instant(root, "ingested_at") ?? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            var operation = root.TryGetProperty("operation", out var op) && op.ValueKind == JsonValueKind.String && op.GetString() is { Length: > 0 } o ? o : "ingest";
            return (batchId, version, at, operation);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // A manifest being replaced (write to .tmp, then rename) or damaged: it is read on the next call.
            return null;
        }
    }

    private static DateTimeOffset? Instant(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at.ToUniversalTime()
            : null;
}

/// <summary>The lake's published batches and the version they add up to.</summary>
public sealed class LakeState(IReadOnlyList<LakeBatch> batches)
{
    /// <summary>The batches, by lake version.</summary>
    public IReadOnlyList<LakeBatch> Batches { get; } = batches;

    /// <summary>The lake's version: the highest manifest's; 0 for a lake with no manifest.</summary>
    public long Version { get; } = batches.Count == 0 ? 0 : batches.Max(b => b.LakeVersion);

    /// <summary>The publish time of the latest batch at or below <paramref name="version"/> (the whole lake when null); null when none.</summary>
    public DateTimeOffset? DataThrough(long? version = null)
    {
        DateTimeOffset? latest = null;
        foreach (var batch in Batches)
        {
            if (batch.LakeVersion <= (version ?? long.MaxValue) && (latest is null || batch.PublishedAt > latest))
            {
                latest = batch.PublishedAt;
            }
        }

        return latest;
    }

    /// <summary>How many batches are newer than <paramref name="version"/> (pending a fold).</summary>
    public int PendingAfter(long version) => Batches.Count(b => b.LakeVersion > version);
}
