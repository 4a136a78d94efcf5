using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Lake;

/// <summary>The outcome of <see cref="Erasure.EraseAsync"/>. Holds no user id, clear or hashed.</summary>
/// <param name="ErasureId">The erasure's id (its manifest and audit record); null when nothing in the lake changed.</param>
/// <param name="LakeVersion">The lake version the erasure published; null when nothing in the lake changed.</param>
/// <param name="RowsErased">Data rows removed.</param>
/// <param name="FilesRewritten">Lake data files rewritten without the user's rows.</param>
/// <param name="FilesDeleted">Lake data files deleted (every row was the user's).</param>
/// <param name="QuarantineRemoved">Quarantine rows removed.</param>
/// <param name="QuarantineUnsearched">Quarantine rows that could not be searched (encrypted without the key, or only hashed with no copy to match).</param>
/// <param name="LandingFilesCleaned">Landing folder files (processed/, failed/) rewritten without the user's lines.</param>
/// <param name="LandingLinesRemoved">Lines removed from them.</param>
/// <param name="AlreadyErased">A tombstone existed before this run.</param>
public sealed record ErasureResult(
    string? ErasureId,
    long? LakeVersion,
    long RowsErased,
    int FilesRewritten,
    int FilesDeleted,
    long QuarantineRemoved,
    long QuarantineUnsearched,
    int LandingFilesCleaned,
    long LandingLinesRemoved,
    bool AlreadyErased);

/// <summary>
/// Erasure of one user (docs/lake.md, "Erasure"): under the lake lock, every lake file holding rows with the user's hashed
/// id is rewritten without them (or deleted when nothing else is left), quarantine rows that hold the user — the hash in
/// readable text, the clear id in decrypted text, the hash of a matching landing line for hash-only rows — are removed,
/// and a tombstone and an audit record (without the id) are written, all through one publish journal, so a kill mid-way is
/// completed by the next start. The manifest has <c>operation: erase</c> (a new lake version). Then the landing folder's
/// kept files are rewritten without the user's lines. Running it again finds nothing and changes nothing.
/// </summary>
public sealed class Erasure
{
    private readonly LakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the erasure for the lake of <paramref name="options"/>.</summary>
    public Erasure(LakeOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Called after each file of an erasure's publish is renamed or deleted (kill tests pause here).</summary>
    internal static Action<string>? AfterFileReplaced { get; set; }

    /// <summary>
    /// Erases <paramref name="userId"/> (clear, hashed with <c>Lake:HashKey</c> exactly as ingest hashes it: trimmed, HMAC-SHA256)
    /// from the lake, its quarantine and the kept files of <paramref name="landingFolder"/> (processed/, failed/).
    /// </summary>
    /// <exception cref="LakeOperationException">An empty user id or a folder that is not a lake: nothing was changed.</exception>
    public async Task<ErasureResult> EraseAsync(string userId, string? landingFolder, CancellationToken cancellationToken)
    {
        var clear = (userId ?? string.Empty).Trim();
        if (clear.Length == 0)
        {
            throw new LakeOperationException("--user-id is empty");
        }

        var lake = Path.GetFullPath(_options.Root);
        if (LakeLayout.Inspect(lake) != LakeDirectoryState.Lake)
        {
            throw new LakeOperationException($"{lake} is not a lake");
        }

        var hash = UserIdHasher.Create(_options, _logger).Hash(clear);
        var cipher = QuarantineCipher.For(_options.QuarantineKey);

        // Read-only first: the landing lines that hold the user (their SHA-256 also finds hash-only quarantine rows).
        var landing = landingFolder is null ? [] : LandingFiles(landingFolder);
        var landingHits = landing.Select(f => (File: f, Lines: MatchingLines(f, clear))).Where(h => h.Lines.Count > 0).ToList();
        var lineHashes = landingHits.SelectMany(h => h.Lines).Select(l => l.Sha256).ToHashSet(StringComparer.Ordinal);

        ErasureResult result;
        using (await LakeLock.AcquireAsync(lake, cancellationToken))
        {
            PublishJournal.RecoverAll(lake, _time, _logger);
            LakeVersionLog.Backfill(lake, _logger);
            StagingLock.CleanAbandoned(Path.Combine(lake, LakeLayout.StagingFolder), _logger, _time);
            var already = Tombstones.Hashes(lake).Contains(hash);
            var now = _time.GetUtcNow().ToUniversalTime();
            var erasureId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
                $"erase\n{hash}\n{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}\n{Guid.NewGuid():N}")))[..24];
            var staging = Path.Combine(lake, LakeLayout.StagingFolder, erasureId);
            using var stagingLock = StagingLock.Acquire(staging);

            var renames = new List<JournalRename>();
            var deletes = new List<string>();
            var rewritten = new List<string>();
            long rowsErased = 0;
            using (var connection = DuckDb.Open())
            {
                foreach (var kind in RecordKinds.All.Where(k => KindSchemas.For(k).IndexOf("user_id") >= 0))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (var (file, hits, total) in FilesHolding(connection, lake, kind, hash))
                    {
                        var relative = Relative(lake, file);
                        rowsErased += hits;
                        if (hits == total)
                        {
                            deletes.Add(relative);
                            continue;
                        }

                        var staged = Path.Combine(staging, relative);
                        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
                        using (var command = connection.CreateCommand())
                        {
                            // Same columns and types (DuckDB writes what it read); compaction later restores the layout.
                            command.CommandText = $"""
                                copy (select * from read_parquet({DuckDb.Literal(file)}, hive_partitioning = false) where user_id is distinct from {DuckDb.Literal(hash)})
                                to {DuckDb.Literal(staged)} (format parquet, compression zstd, row_group_size 122880)
                                """;
                            command.ExecuteNonQuery();
                        }

                        QuarantineRows.FsyncFile(staged);
                        renames.Add(new JournalRename(Relative(lake, staged), relative));
                        rewritten.Add(relative);
                    }
                }
            }

            var (quarantineRemove, unsearched) = QuarantineMatches(lake, hash, clear, cipher, lineHashes);
            var (quarantineRenames, quarantineDeletes, quarantineRemoved) = QuarantineRows.StageWithout(lake, staging, quarantineRemove);
            renames.AddRange(quarantineRenames);
            deletes.AddRange(quarantineDeletes);

            if (already && renames.Count == 0 && deletes.Count == 0)
            {
                _logger.LogInformation("Erasure: nothing of the user is left in the lake (erased before)");
                stagingLock.Dispose();
                IngestPipeline.TryDeleteDirectory(staging);
                result = new ErasureResult(null, null, 0, 0, 0, 0, unsearched, 0, 0, true);
            }
            else
            {
                var tombstone = Path.Combine(staging, Tombstones.RelativePath(hash));
                Tombstones.WriteStaged(tombstone, new Tombstone(hash, erasureId, now));
                renames.Add(new JournalRename(Relative(lake, tombstone), Tombstones.RelativePath(hash)));
                var audit = Path.Combine(staging, Tombstones.Folder, "audit", erasureId + ".json");
                Directory.CreateDirectory(Path.GetDirectoryName(audit)!);
                await File.WriteAllTextAsync(audit, JsonSerializer.Serialize(new
                {
                    ErasureId = erasureId,
                    Operation = "erase",
                    RequestedAt = now,
                    RequestedBy = Environment.UserName,
                    RowsErased = rowsErased,
                    FilesRewritten = rewritten,
                    FilesDeleted = deletes.Where(d => !d.StartsWith(LakeLayout.QuarantineFolder + "/", StringComparison.Ordinal)).ToList(),
                    QuarantineRemoved = quarantineRemoved,
                    QuarantineUnsearched = unsearched,
                    LandingFiles = landingHits.Count,
                    LandingLines = landingHits.Sum(h => h.Lines.Count),
                    Note = "the user id is not recorded here; its hash is in the tombstone of this erasure",
                }, BatchManifest.JsonOptions), cancellationToken);
                QuarantineRows.FsyncFile(audit);
                renames.Add(new JournalRename(Relative(lake, audit), $"{Tombstones.Folder}/audit/{erasureId}.json"));

                var journal = new PublishJournal
                {
                    BatchId = erasureId,
                    Staging = Relative(lake, staging),
                    Renames = renames,
                    Deletes = deletes,
                    Rewrite = true,
                    Manifest = new BatchManifest
                    {
                        BatchId = erasureId,
                        Kind = RecordKind.Decisions.LakeName(),
                        Source = "erase",
                        IngestedAt = now,
                        Operation = "erase",
                        Files = rewritten,
                        QuarantineFiles = quarantineRenames.Select(r => r.Final).ToList(),
                        DeletedFiles = deletes,
                        RowsErased = rowsErased,
                        QuarantineRemoved = quarantineRemoved,
                    },
                };
                journal.Write(lake);
                stagingLock.Dispose();
                var manifest = journal.Execute(lake, _time, _logger, AfterFileReplaced);
                _logger.LogInformation(
                    "Erasure {ErasureId}: {Rows} rows in {Rewritten} rewritten and {Deleted} deleted files, {Quarantine} quarantine rows; lake version {Version}",
                    erasureId, rowsErased, rewritten.Count, deletes.Count, quarantineRemoved, manifest?.LakeVersion);
                result = new ErasureResult(erasureId, manifest?.LakeVersion, rowsErased, rewritten.Count, deletes.Count(d => !d.StartsWith(LakeLayout.QuarantineFolder + "/", StringComparison.Ordinal)),
                    quarantineRemoved, unsearched, 0, 0, already);
            }
        }

        // The landing folder is outside the lake and its journal: rewritten after the publish, and found again by a re-run.
        long linesRemoved = 0;
        foreach (var (file, lines) in landingHits)
        {
            linesRemoved += RewriteWithout(file, lines.Select(l => l.Number).ToHashSet(), clear);
        }

        return result with { LandingFilesCleaned = landingHits.Count, LandingLinesRemoved = linesRemoved };
    }

    private static string Relative(string lake, string path) => Path.GetRelativePath(lake, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Every Parquet file of a kind (published or not: the raw glob shows them all) with the user's rows.</summary>
    private static List<(string File, long Hits, long Total)> FilesHolding(DuckDB.NET.Data.DuckDBConnection connection, string lake, RecordKind kind, string hash)
    {
        var folder = Path.Combine(lake, kind.LakeName());
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        var found = new List<(string, long, long)>();
        if (files.Count == 0)
        {
            return found;
        }

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            select filename, count(*) filter (where user_id = {DuckDb.Literal(hash)}) as hits, count(*) as total
            from read_parquet([{string.Join(", ", files.Select(DuckDb.Literal))}], filename = true, hive_partitioning = false, union_by_name = true)
            group by filename having hits > 0 order by filename
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return found;
    }

    /// <summary>
    /// The quarantine rows that hold the user: readable text holding the hash (the contract replaced the id there), decrypted
    /// text holding the clear id or the hash as a whole token, a hash-only row whose SHA-256 is that of a landing line holding
    /// the id. Also how many rows could not be searched (encrypted without a key; hash-only ones with no such line).
    /// </summary>
    private static (Dictionary<string, HashSet<(string, long)>> Remove, long Unsearched) QuarantineMatches(
        string lake, string hash, string clear, QuarantineCipher? cipher, IReadOnlySet<string> lineHashes)
    {
        var remove = new Dictionary<string, HashSet<(string, long)>>(StringComparer.Ordinal);
        long unsearched = 0;
        foreach (var row in QuarantineRows.Read(lake))
        {
            bool hit;
            if (row.Raw is not null)
            {
                hit = ContainsToken(row.Raw, hash) || ContainsToken(row.Raw, clear);
            }
            else if (row.RawEncrypted is not null)
            {
                if (cipher is null)
                {
                    unsearched++;
                    continue;
                }

                string text;
                try
                {
                    text = Encoding.UTF8.GetString(cipher.Decrypt(row.RawEncrypted));
                }
                catch (CryptographicException)
                {
                    unsearched++;
                    continue;
                }

                hit = ContainsToken(text, clear) || ContainsToken(text, hash);
            }
            else if (row.RawSha256 is not null)
            {
                hit = lineHashes.Contains(row.RawSha256);
                if (!hit)
                {
                    unsearched++;
                }
            }
            else
            {
                hit = false;
            }

            if (hit)
            {
                if (!remove.TryGetValue(row.File, out var set))
                {
                    remove[row.File] = set = [];
                }

                set.Add((row.BatchId, row.Line));
            }
        }

        return (remove, unsearched);
    }

    /// <summary>
    /// True when <paramref name="token"/> occurs in <paramref name="text"/> as a whole value: not next to a letter, digit,
    /// <c>-</c>, <c>_</c> or <c>.</c> (so <c>user-1</c> does not match inside <c>user-10</c>).
    /// </summary>
    internal static bool ContainsToken(string text, string token)
    {
        var start = 0;
        while ((start = text.IndexOf(token, start, StringComparison.Ordinal)) >= 0)
        {
            var end = start + token.Length;
            if ((start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end])))
            {
                return true;
            }

            start++;
        }

        return false;

        static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.';
    }

    private static List<string> LandingFiles(string landingFolder)
    {
        var files = new List<string>();
        foreach (var sub in new[] { "processed", "failed" })
        {
            var folder = Path.Combine(landingFolder, sub);
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                    .Where(f => !f.EndsWith(".reason.txt", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".erasing", StringComparison.Ordinal)));
            }
        }

        return files.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The physical lines (1-based) of a kept landing text file that hold the id, with the SHA-256 of their bytes.</summary>
    private static List<(long Number, string Sha256)> MatchingLines(string file, string clear)
    {
        var hits = new List<(long, string)>();
        if (file.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            return ParquetHolds(file, clear) ? [(0, string.Empty)] : hits;
        }

        long number = 0;
        foreach (var line in ReadLines(file))
        {
            number++;
            var text = Encoding.UTF8.GetString(line);
            if (ContainsToken(text, clear))
            {
                hits.Add((number, Convert.ToHexStringLower(SHA256.HashData(line))));
            }
        }

        return hits;
    }

    private static IEnumerable<byte[]> ReadLines(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)'\n')
            {
                if (i == bytes.Length && start == i)
                {
                    yield break;
                }

                var end = i > start && bytes[i - 1] == (byte)'\r' ? i - 1 : i;
                yield return bytes[start..end];
                start = i + 1;
            }
        }
    }

    private static bool ParquetHolds(string file, string clear)
    {
        try
        {
            using var connection = DuckDb.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"select count(*) from read_parquet({DuckDb.Literal(file)}) where trim(user_id::varchar) = {DuckDb.Literal(clear)}";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }
        catch (DuckDB.NET.Data.DuckDBException)
        {
            // No user_id column (another kind) or not readable: nothing of the user to find by column.
            return false;
        }
    }

    /// <summary>Rewrites a kept landing file without the given lines (Parquet: without the user's rows); returns how many went.</summary>
    private static long RewriteWithout(string file, HashSet<long> lines, string clear)
    {
        var temp = file + ".erasing";
        long removed = 0;
        if (file.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            using var connection = DuckDb.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"select count(*) from read_parquet({DuckDb.Literal(file)}) where trim(user_id::varchar) = {DuckDb.Literal(clear)}";
            removed = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            command.CommandText = $"copy (select * from read_parquet({DuckDb.Literal(file)}) where trim(user_id::varchar) is distinct from {DuckDb.Literal(clear)}) to {DuckDb.Literal(temp)} (format parquet)";
            command.ExecuteNonQuery();
        }
        else
        {
            using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
            long number = 0;
            foreach (var line in ReadLines(file))
            {
                number++;
                if (lines.Contains(number))
                {
                    removed++;
                    continue;
                }

                output.Write(line);
                output.WriteByte((byte)'\n');
            }

            output.Flush(flushToDisk: true);
        }

        File.Move(temp, file, overwrite: true);
        return removed;
    }
}
