using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace RiskOps.Etl.Lake;

/// <summary>One rename of a publish: a staged file and its place in the lake, both relative to the lake root.</summary>
/// <param name="Staged">The staged file, e.g. <c>_staging/&lt;batch_id&gt;/decisions/dt=…/part-&lt;batch_id&gt;.parquet</c>.</param>
/// <param name="Final">Where it goes, e.g. <c>decisions/dt=…/part-&lt;batch_id&gt;.parquet</c>.</param>
internal sealed record JournalRename(string Staged, string Final);

/// <summary>
/// The journal of one publish, <c>&lt;lake&gt;/_journal/&lt;batch_id&gt;.json</c>: written (fsynced) under the lake lock before
/// the first rename, removed after the manifest. A journal found by the next holder of the lake lock belongs to a publish
/// whose process died: <see cref="RecoverAll"/> completes it (the staged files are whole — they were fsynced before the
/// journal — so the remaining renames and the manifest are done), or, when a staged file has gone, rolls it back (deletes
/// what it had renamed into place). So no half batch outlives the crash of its publisher.
/// </summary>
internal sealed record PublishJournal
{
    /// <summary>The batch being published.</summary>
    public required string BatchId { get; init; }

    /// <summary>The batch's staging folder, relative to the lake root.</summary>
    public required string Staging { get; init; }

    /// <summary>Every rename, data files first, quarantine last.</summary>
    public required IReadOnlyList<JournalRename> Renames { get; init; }

    /// <summary>The manifest to write after the renames (its counts and files), without its version yet.</summary>
    public required BatchManifest Manifest { get; init; }

    /// <summary>
    /// Lake files to delete after the renames (lake-relative): an erasure's files that held only the user's rows, a replay's
    /// quarantine files left empty. Deleting is idempotent, so a recovery simply deletes what is still there.
    /// </summary>
    public IReadOnlyList<string> Deletes { get; init; } = [];

    /// <summary>
    /// True for a rewrite (replay, erasure): the renames replace existing files in place. Such a publish is never rolled
    /// back — the originals are gone once replaced — so a staged file that has vanished is skipped (and logged), not undone.
    /// </summary>
    public bool Rewrite { get; init; }

    public static string PathOf(string lake, string batchId) => Path.Combine(lake, LakeLayout.JournalFolder, batchId + ".json");

    /// <summary>True when a publish of <paramref name="batchId"/> was interrupted and not yet recovered.</summary>
    public static bool Pending(string lake, string batchId) => File.Exists(PathOf(lake, batchId));

    /// <summary>Writes the journal durably (temp file, fsync, rename).</summary>
    public void Write(string lake)
    {
        var path = PathOf(lake, BatchId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, BatchManifest.JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Performs (or finishes) the publish: every staged file still in staging is renamed into place, then the manifest is
    /// written with the next lake version, then the journal and the staging folder are removed. Returns the manifest, or
    /// null when the publish had to be rolled back (a staged file missing that is not in place either). The caller holds
    /// the lake lock.
    /// </summary>
    public BatchManifest? Execute(string lake, TimeProvider time, ILogger logger, Action<string>? afterRename = null)
    {
        var missing = new List<JournalRename>();
        foreach (var rename in Renames)
        {
            var staged = Path.Combine(lake, rename.Staged);
            var target = Path.Combine(lake, rename.Final);
            if (File.Exists(staged))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(staged, target, overwrite: true);
                afterRename?.Invoke(target);
            }
            else if (!File.Exists(target))
            {
                missing.Add(rename);
            }
        }

        if (missing.Count > 0 && Rewrite)
        {
            logger.LogError(
                "Rewrite {BatchId}: {Missing} staged files were gone and their targets too (first: {File}); completing with the rest",
                BatchId, missing.Count, missing[0].Staged);
            missing.Clear();
        }

        if (missing.Count > 0)
        {
            foreach (var rename in Renames)
            {
                var target = Path.Combine(lake, rename.Final);
                if (File.Exists(target))
                {
                    File.Delete(target);
                }
            }

            logger.LogWarning(
                "Rolled back the interrupted publish of batch {BatchId}: {Missing} of {Files} staged files were gone (first: {File}); deliver it again",
                BatchId, missing.Count, Renames.Count, missing[0].Staged);
            Finish(lake);
            return null;
        }

        foreach (var delete in Deletes)
        {
            var target = Path.Combine(lake, delete);
            if (File.Exists(target))
            {
                File.Delete(target);
                afterRename?.Invoke(target);
            }
        }

        var version = LakeVersionLog.Next(lake, logger);
        var manifest = Manifest with { LakeVersion = version, PublishedAt = time.GetUtcNow().ToUniversalTime() };
        manifest.Write(LakeLayout.ManifestPath(lake, BatchId));
        LakeVersionLog.Published(lake, BatchId, version);
        Finish(lake);
        return manifest;
    }

    /// <summary>
    /// Completes or rolls back every interrupted publish of the lake, oldest first; returns how many there were. The
    /// caller holds the lake lock (so no live publish owns a journal).
    /// </summary>
    public static int RecoverAll(string lake, TimeProvider time, ILogger logger)
    {
        var folder = Path.Combine(lake, LakeLayout.JournalFolder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        foreach (var temp in Directory.EnumerateFiles(folder, "*.json.tmp"))
        {
            // A journal that never became whole: its publish renamed nothing yet, and its staging is cleaned as abandoned.
            File.Delete(temp);
        }

        var count = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").OrderBy(File.GetLastWriteTimeUtc).ThenBy(p => p, StringComparer.Ordinal))
        {
            PublishJournal? journal;
            try
            {
                journal = JsonSerializer.Deserialize<PublishJournal>(File.ReadAllText(path), BatchManifest.JsonOptions);
            }
            catch (JsonException ex)
            {
                logger.LogError(ex, "The publish journal {Journal} cannot be read; it is left in place for an operator", path);
                continue;
            }

            if (journal is null)
            {
                continue;
            }

            count++;
            if (File.Exists(LakeLayout.ManifestPath(lake, journal.BatchId)))
            {
                // Died after the manifest, before removing the journal: the batch is complete.
                journal.Finish(lake);
                continue;
            }

            var manifest = journal.Execute(lake, time, logger);
            if (manifest is not null)
            {
                logger.LogWarning(
                    "Completed the interrupted publish of batch {BatchId} ({Files} files, {Landed} records) as lake version {Version}",
                    journal.BatchId, journal.Renames.Count, manifest.Landed, manifest.LakeVersion);
            }
        }

        return count;
    }

    private void Finish(string lake)
    {
        File.Delete(PathOf(lake, BatchId));
        IngestPipeline.TryDeleteDirectory(Path.Combine(lake, Staging));
    }
}
