namespace RiskOps.Etl.Lake;

/// <summary>
/// Which lake files are published (docs/lake.md, "What the warehouse reads"): the data files a batch manifest lists, and
/// compaction's output. A file no manifest lists — a stray copied in by hand, a batch in the seconds of its publish, a
/// crashed publish before recovery — is not part of the lake for the warehouse, compaction or dedupe. A lake whose
/// manifests list no file at all (built by hand, or before manifests listed their files) counts every file.
/// </summary>
internal static class PublishedFiles
{
    /// <summary>Every data file the lake's manifests list (lake-relative, '/'-separated); empty when none lists any.</summary>
    public static IReadOnlySet<string> Listed(string lakeRoot)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var folder = Path.Combine(lakeRoot, LakeLayout.ManifestFolder);
        if (!Directory.Exists(folder))
        {
            return listed;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                if (BatchManifest.TryRead(path) is { } manifest)
                {
                    listed.UnionWith(manifest.Files.Select(f => f.Replace('\\', '/')));
                }
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
            {
                // A damaged manifest lists nothing here; its files then count as unpublished.
            }
        }

        return listed;
    }

    /// <summary>True when <paramref name="file"/> is published by <paramref name="listed"/> (<see cref="Listed"/>).</summary>
    public static bool IsPublished(string lakeRoot, string file, IReadOnlySet<string> listed) =>
        listed.Count == 0
        || Path.GetFileName(file).StartsWith(LakeLayout.CompactedPrefix, StringComparison.Ordinal)
        || listed.Contains(Path.GetRelativePath(lakeRoot, file).Replace(Path.DirectorySeparatorChar, '/'));
}
