using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Sources;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Lake;

/// <summary>A count per value (a reason, a kind).</summary>
public sealed record NamedCount(string Name, long Records);

/// <summary>One quarantine batch in <see cref="QuarantineSummary"/>.</summary>
public sealed record QuarantineBatchSummary(string BatchId, string Kind, string Source, DateTimeOffset IngestedAt, long Records, long Recoverable);

/// <summary>
/// What the quarantine holds (<c>riskops quarantine list</c>): counts only, never a record's text. Reasons never quote a
/// value from a user-id position (contract v2), so nothing here holds a clear user id.
/// </summary>
/// <param name="Total">Rows in the quarantine (after the filters).</param>
/// <param name="Readable">Rows whose text is kept readable (user ids hashed): a replay can read them.</param>
/// <param name="Encrypted">Rows kept only encrypted: a replay needs <c>Lake:QuarantineKey</c>.</param>
/// <param name="HashOnly">Rows kept only as hash and length: nothing to replay; deliver the source again.</param>
/// <param name="Erased">Rows refused because their user was erased (no text kept).</param>
/// <param name="ByKind">Rows per kind.</param>
/// <param name="ByReason">The most frequent reasons (at most <c>top</c>).</param>
/// <param name="ReasonsOther">Rows with any other reason.</param>
/// <param name="Batches">The batches with the most rows (at most <c>top</c>).</param>
/// <param name="BatchesOther">Batches not listed.</param>
public sealed record QuarantineSummary(
    long Total,
    long Readable,
    long Encrypted,
    long HashOnly,
    long Erased,
    IReadOnlyList<NamedCount> ByKind,
    IReadOnlyList<NamedCount> ByReason,
    long ReasonsOther,
    IReadOnlyList<QuarantineBatchSummary> Batches,
    long BatchesOther);

/// <summary>What a replay did for one kind.</summary>
/// <param name="Kind">The record kind.</param>
/// <param name="BatchId">The replay batch (its manifest has <c>operation: replay</c>); null when nothing was published.</param>
/// <param name="Replayed">Quarantine rows re-submitted.</param>
/// <param name="Landed">Of those, records that landed.</param>
/// <param name="Duplicates">Records already in the lake (they leave the quarantine without landing twice).</param>
/// <param name="Erased">Records of an erased user (they leave the quarantine without landing).</param>
/// <param name="StillRefused">Records that fail validation again: they stay in the quarantine as they were.</param>
/// <param name="QuarantineRemoved">Rows removed from the quarantine.</param>
/// <param name="LakeVersion">The lake version the replay published; null when nothing changed.</param>
/// <param name="Reasons">Why the records still refused fail (most frequent first, bounded).</param>
public sealed record ReplayKindResult(
    string Kind,
    string? BatchId,
    long Replayed,
    long Landed,
    long Duplicates,
    long Erased,
    long StillRefused,
    long QuarantineRemoved,
    long? LakeVersion,
    IReadOnlyList<NamedCount> Reasons);

/// <summary>A quarantine row a replay could not re-submit, and why (it stays in the quarantine).</summary>
public sealed record ReplayLeftover(string BatchId, long Line, string Why);

/// <summary>The outcome of <see cref="QuarantineReplay.ReplayAsync"/>.</summary>
public sealed record ReplayResult(long Selected, IReadOnlyList<ReplayKindResult> Kinds, long Unrecoverable, IReadOnlyList<ReplayLeftover> UnrecoverableSample);

/// <summary>The replay hooks into the ingest pipeline (see <see cref="IngestPipeline"/>): lineage, pre-hashed ids, outcomes, the quarantine rewrite.</summary>
internal sealed class ReplayRun
{
    public required Func<long, (string Source, long Line)> Lineage { get; init; }

    public required IReadOnlySet<long> UserIdHashed { get; init; }

    /// <summary>Called under the lake lock with the staging folder and the landed count: the quarantine rewrite to publish, or null (nothing changes).</summary>
    public Func<string, long, ReplayPlan?> Plan { get; set; } = (_, _) => null;

    public Dictionary<long, string> Refused { get; } = [];

    public HashSet<long> Erased { get; } = [];

    public HashSet<long> Landed { get; } = [];
}

/// <summary>The quarantine side of a replay's publish.</summary>
internal sealed record ReplayPlan(IReadOnlyList<JournalRename> Renames, IReadOnlyList<string> Deletes, IReadOnlyList<ReplayedBatch> ReplayedFrom, long QuarantineRemoved);

/// <summary>
/// Quarantine replay (docs/lake.md, "Replay"): re-submits quarantined records — after the source or the contract was
/// fixed, or with a corrections file — through the normal ingest path, so validation, dedupe and hashing are those of an
/// ingest. Records that land (or are already in the lake) leave the quarantine in the same journaled publish that lands
/// them; records that fail again stay where they are. Each replay that changes anything writes a manifest with
/// <c>operation: replay</c> (a new lake version); a second replay of the same rows lands nothing and writes nothing.
/// </summary>
public sealed class QuarantineReplay
{
    private const int SampleSize = 20;
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly LakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the replay for the lake of <paramref name="options"/>.</summary>
    public QuarantineReplay(LakeOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
    }

    private string Lake => Path.GetFullPath(_options.Root);

    /// <summary>Summarises the quarantine, optionally of one kind and/or batch; at most <paramref name="top"/> reasons and batches.</summary>
    public QuarantineSummary List(string? kind, string? batchId, int top = 10) => QuarantineRows.Summarize(Lake, kind, batchId, top);

    /// <summary>The quarantine rows (batch, line) earlier replays took out of the quarantine (their manifests' <c>replayed_from</c>).</summary>
    private static HashSet<(string, long)> ReplayedBefore(string lake)
    {
        var done = new HashSet<(string, long)>();
        var folder = Path.Combine(lake, LakeLayout.ManifestFolder);
        if (!Directory.Exists(folder))
        {
            return done;
        }

        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            if (BatchManifest.TryRead(path) is { Operation: "replay", ReplayedFrom: { } from })
            {
                foreach (var batch in from)
                {
                    done.UnionWith(batch.Lines.Select(l => (batch.BatchId, l)));
                }
            }
        }

        return done;
    }

    /// <summary>
    /// Re-submits the quarantined records of <paramref name="batchId"/> (or every batch when null), applying the corrections
    /// in <paramref name="correctionsFile"/> (NDJSON: <c>{"batch_id": …, "line": …, "set": {field: value, …}}</c> per line).
    /// Holds the lake lock throughout, so it never runs beside a publish, a compaction swap or an erasure.
    /// </summary>
    /// <exception cref="LakeOperationException">Unknown batch, encrypted rows without <c>Lake:QuarantineKey</c>, a bad corrections file: nothing was changed.</exception>
    public async Task<ReplayResult> ReplayAsync(string? batchId, string? correctionsFile, CancellationToken cancellationToken)
    {
        var lake = Lake;
        if (LakeLayout.Inspect(lake) != LakeDirectoryState.Lake)
        {
            throw new LakeOperationException($"{lake} is not a lake");
        }

        var corrections = correctionsFile is null ? [] : ReadCorrections(correctionsFile);
        using (await LakeLock.AcquireAsync(lake, cancellationToken))
        {
            PublishJournal.RecoverAll(lake, _time, _logger);
            LakeVersionLog.Backfill(lake, _logger);
            var rows = QuarantineRows.Read(lake, batchId).Where(r => r.Reason != Tombstones.ErasedReason).ToList();
            if (batchId is not null && rows.Count == 0)
            {
                throw new LakeOperationException($"no quarantined records of batch '{batchId}' (riskops quarantine list --lake DIR shows the batches)");
            }

            var byKey = rows.ToDictionary(r => (r.BatchId, r.Line));
            var replayedBefore = ReplayedBefore(lake);
            foreach (var (key, correction) in corrections.ToList())
            {
                if (!byKey.ContainsKey(key) && replayedBefore.Contains(key))
                {
                    // Replayed by an earlier run (the same command run again): nothing left to correct.
                    corrections.Remove(key);
                    continue;
                }

                if (!byKey.TryGetValue(key, out var row))
                {
                    throw new LakeOperationException($"corrections line {correction.FileLine}: no quarantined record of batch '{key.BatchId}' at line {key.Line}{(batchId is null ? string.Empty : " in the selected batch")}");
                }

                if (!RecordKinds.TryParse(row.Kind, out var kind))
                {
                    throw new LakeOperationException($"corrections line {correction.FileLine}: the record's kind '{row.Kind}' is unknown");
                }

                var schema = KindSchemas.For(kind);
                if (correction.Set.Select(p => p.Key).FirstOrDefault(f => schema.IndexOf(f) < 0) is { } unknown)
                {
                    throw new LakeOperationException($"corrections line {correction.FileLine}: '{unknown}' is not a {row.Kind} field");
                }
            }

            var encrypted = rows.Count(r => r.Raw is null && r.RawEncrypted is not null);
            var cipher = QuarantineCipher.For(_options.QuarantineKey);
            if (encrypted > 0 && cipher is null)
            {
                throw new LakeOperationException(
                    $"{encrypted} of the selected records are kept only encrypted; set Lake:QuarantineKey (env Lake__QuarantineKey) to the key they were quarantined with");
            }

            var leftovers = new List<ReplayLeftover>();
            var kinds = new List<ReplayKindResult>();
            var pipeline = new IngestPipeline(_options, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestPipeline>.Instance);
            var prepared = new List<(RecordKind Kind, Delivery Delivery)>();
            foreach (var group in rows.GroupBy(r => r.Kind, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (!RecordKinds.TryParse(group.Key, out var kind))
                {
                    leftovers.AddRange(group.Select(r => new ReplayLeftover(r.BatchId, r.Line, $"unknown kind '{group.Key}'")));
                    continue;
                }

                // Everything is decrypted and split before anything is published, so a wrong key changes nothing.
                prepared.Add((kind, Prepare(kind, group.ToList(), corrections, cipher, leftovers)));
            }

            foreach (var (kind, delivery) in prepared)
            {
                kinds.Add(await ReplayKindAsync(pipeline, kind, delivery, batchId, cancellationToken));
            }

            return new ReplayResult(rows.Count, kinds, leftovers.Count, leftovers.Take(SampleSize).ToList());
        }
    }

    private async Task<ReplayKindResult> ReplayKindAsync(IngestPipeline pipeline, RecordKind kind, Delivery delivery, string? batchId, CancellationToken cancellationToken)
    {
        var lake = Lake;
        if (delivery.Lines.Count == 0)
        {
            return new ReplayKindResult(kind.LakeName(), null, 0, 0, 0, 0, delivery.StillBroken.Count, 0, null, Top(delivery.StillBroken.Values));
        }

        var bytes = Encoding.UTF8.GetBytes(delivery.Text.ToString());
        var key = "replay:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var replayBatch = IngestPipeline.KeyBatchId(kind, key);
        ReplayPlan? published = null;
        var run = new ReplayRun
        {
            Lineage = line => (delivery.Lines[line].Source, delivery.Lines[line].Line),
            UserIdHashed = delivery.UserIdHashed,
        };
        run.Plan = (staging, landed) =>
            {
                // Every re-submitted row that did not fail again leaves the quarantine: landed, a duplicate, or erased.
                var remove = new Dictionary<string, HashSet<(string, long)>>(StringComparer.Ordinal);
                var leaving = new List<QuarantineRow>();
                foreach (var (line, row) in delivery.Lines)
                {
                    if (run.Refused.ContainsKey(line))
                    {
                        continue;
                    }

                    leaving.Add(row);
                    if (!remove.TryGetValue(row.File, out var set))
                    {
                        remove[row.File] = set = [];
                    }

                    set.Add((row.BatchId, row.Line));
                }

                var (renames, deletes, removed) = QuarantineRows.StageWithout(lake, staging, remove);
                if (landed == 0 && removed == 0)
                {
                    return null;
                }

                var landedLines = delivery.Lines.Where(l => run.Landed.Contains(l.Key)).Select(l => (l.Value.BatchId, l.Value.Line)).ToHashSet();
                var from = leaving.GroupBy(r => r.BatchId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new ReplayedBatch(g.Key, g.First().Source, g.Select(r => r.Line).Order().ToList(), g.LongCount(r => landedLines.Contains((r.BatchId, r.Line)))))
                    .ToList();
                published = new ReplayPlan(renames, deletes, from, removed);
                return published;
            };

        using var stream = new MemoryStream(bytes, writable: false);
        using var source = NdjsonRecordSource.Open(stream, kind, IngestPipeline.KindFromFields);
        var result = await pipeline.ReplayAsync(source, $"replay:{batchId ?? "all"}", replayBatch, key, run, cancellationToken);
        var refused = run.Refused.Values.Concat(delivery.StillBroken.Values).ToList();
        var manifest = published is null ? null : BatchManifest.TryRead(LakeLayout.ManifestPath(lake, replayBatch));
        if (manifest is not null)
        {
            _logger.LogInformation(
                "Replay {BatchId} of {Kind}: {Landed} landed, {Duplicates} duplicates, {Erased} erased, {Refused} still refused; lake version {Version}",
                replayBatch, kind.LakeName(), result.Landed, result.Duplicates, run.Erased.Count, refused.Count, manifest.LakeVersion);
        }

        return new ReplayKindResult(
            kind.LakeName(),
            manifest is null ? null : replayBatch,
            delivery.Lines.Count + delivery.StillBroken.Count,
            manifest is null ? 0 : result.Landed,
            result.Duplicates,
            run.Erased.Count,
            refused.Count,
            published?.QuarantineRemoved ?? 0,
            manifest?.LakeVersion,
            Top(refused));
    }

    private static List<NamedCount> Top(IEnumerable<string> reasons) =>
        reasons.GroupBy(r => r, StringComparer.Ordinal).Select(g => new NamedCount(g.Key, g.LongCount()))
            .OrderByDescending(c => c.Records).ThenBy(c => c.Name, StringComparer.Ordinal).Take(10).ToList();

    /// <summary>The records of one kind as an NDJSON delivery (one object per line), with the line → quarantine row map.</summary>
    private sealed class Delivery
    {
        public StringBuilder Text { get; } = new();

        public Dictionary<long, QuarantineRow> Lines { get; } = [];

        public HashSet<long> UserIdHashed { get; } = [];

        public Dictionary<(string, long), string> StillBroken { get; } = [];
    }

    private Delivery Prepare(RecordKind kind, List<QuarantineRow> rows, Dictionary<(string BatchId, long Line), Correction> corrections, QuarantineCipher? cipher, List<ReplayLeftover> leftovers)
    {
        var schema = KindSchemas.For(kind);
        var hasUserId = schema.IndexOf("user_id") >= 0;
        var delivery = new Delivery();
        var verbatim = new List<(QuarantineRow Row, string Text)>();
        var headers = new Dictionary<string, string?[]?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string text;
            if (row.Raw is not null)
            {
                text = row.Raw;
            }
            else if (row.RawEncrypted is not null)
            {
                try
                {
                    text = Encoding.UTF8.GetString(cipher!.Decrypt(row.RawEncrypted));
                }
                catch (Exception ex) when (ex is CryptographicException or FormatException)
                {
                    throw new LakeOperationException(
                        $"the encrypted text of batch '{row.BatchId}' line {row.Line} cannot be decrypted with the configured Lake:QuarantineKey (another key?)", ex);
                }
            }
            else
            {
                leftovers.Add(new ReplayLeftover(row.BatchId, row.Line, "only the hash and length of its text are kept: deliver the source again"));
                continue;
            }

            corrections.TryGetValue((row.BatchId, row.Line), out var correction);
            JsonObject? record = null;
            var csv = row.RawColumns is not null || row.Source.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || !text.TrimStart().StartsWith('{');
            if (!csv)
            {
                try
                {
                    record = JsonNode.Parse(text) as JsonObject;
                }
                catch (JsonException)
                {
                    record = null;
                }

                if (record is null)
                {
                    if (correction is not null)
                    {
                        throw new LakeOperationException($"corrections line {correction.FileLine}: the record at batch '{row.BatchId}' line {row.Line} is not a JSON object, so fields cannot be set; deliver it again");
                    }

                    // Still broken as delivered: re-submitted verbatim, so the pipeline refuses it again with its own reason.
                    if (!text.Contains('\n', StringComparison.Ordinal))
                    {
                        verbatim.Add((row, text));
                    }
                    else
                    {
                        delivery.StillBroken[(row.BatchId, row.Line)] = row.Reason;
                    }

                    continue;
                }
            }
            else
            {
                var header = Header(row, headers, schema);
                var cells = new List<string>();
                string? error;
                using (var scanner = new CsvScanner(new MemoryStream(Encoding.UTF8.GetBytes(text + "\n"))))
                {
                    error = scanner.ReadRecord(cells) ? scanner.Error : "the row is empty";
                }

                if (header is null)
                {
                    leftovers.Add(new ReplayLeftover(row.BatchId, row.Line, "a CSV row whose header is unknown (the source file is gone): deliver the source again"));
                    continue;
                }

                if (error is not null || cells.Count != header.Length)
                {
                    if (correction is not null)
                    {
                        throw new LakeOperationException($"corrections line {correction.FileLine}: the CSV row at batch '{row.BatchId}' line {row.Line} does not split into its header's columns, so fields cannot be set; deliver it again");
                    }

                    delivery.StillBroken[(row.BatchId, row.Line)] = error ?? $"the row has {cells.Count} columns, the header has {header.Length}";
                    continue;
                }

                record = [];
                for (var c = 0; c < header.Length; c++)
                {
                    if (header[c] is { } name && !record.ContainsKey(name))
                    {
                        record[name] = cells[c];
                    }
                }
            }

            var hashed = row.Raw is not null && hasUserId;
            if (correction is not null)
            {
                foreach (var (field, value) in correction.Set)
                {
                    record[field] = value?.DeepClone();
                    if (field == "user_id")
                    {
                        // A corrected user id is given in clear, and hashed like any delivered one.
                        hashed = false;
                    }
                }
            }

            Add(delivery, row, record.ToJsonString(Compact), hashed);
        }

        // Verbatim (unparsable) lines go last: an NDJSON delivery's first line must be an object.
        foreach (var (row, text) in verbatim)
        {
            if (delivery.Lines.Count == 0)
            {
                delivery.StillBroken[(row.BatchId, row.Line)] = row.Reason;
                continue;
            }

            Add(delivery, row, text, false);
        }

        return delivery;
    }

    private static void Add(Delivery delivery, QuarantineRow row, string line, bool userIdHashed)
    {
        var number = delivery.Lines.Count + 1;
        delivery.Text.Append(line).Append('\n');
        delivery.Lines[number] = row;
        if (userIdHashed)
        {
            delivery.UserIdHashed.Add(number);
        }
    }

    /// <summary>
    /// A CSV row's header: the quarantine's <c>raw_columns</c>; else the source file's header line when it still exists;
    /// else the kind's contract order when the row has as many cells (checked by the caller); else null.
    /// </summary>
    private static string?[]? Header(QuarantineRow row, Dictionary<string, string?[]?> cache, KindSchema schema)
    {
        if (row.RawColumns is not null)
        {
            return JsonSerializer.Deserialize<string?[]>(row.RawColumns);
        }

        if (!cache.TryGetValue(row.Source, out var header))
        {
            header = null;
            if (File.Exists(row.Source))
            {
                try
                {
                    using var scanner = new CsvScanner(File.OpenRead(row.Source));
                    var cells = new List<string>();
                    if (scanner.ReadRecord(cells) && scanner.Error is null)
                    {
                        header = cells.Select(c => (string?)c.Trim()).ToArray();
                    }
                }
                catch (IOException)
                {
                    header = null;
                }
            }

            header ??= schema.Fields.Select(f => (string?)f.Name).ToArray();
            cache[row.Source] = header;
        }

        return header;
    }

    /// <summary>One correction: the fields to set on a quarantined record.</summary>
    private sealed record Correction(long FileLine, IReadOnlyList<KeyValuePair<string, JsonNode?>> Set);

    private static Dictionary<(string BatchId, long Line), Correction> ReadCorrections(string path)
    {
        if (!File.Exists(path))
        {
            throw new LakeOperationException($"corrections file '{path}' not found");
        }

        var corrections = new Dictionary<(string, long), Correction>();
        long number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            JsonObject? line;
            try
            {
                line = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                line = null;
            }

            if (line is null)
            {
                throw new LakeOperationException($"corrections line {number}: not a JSON object (expected {{\"batch_id\": \"…\", \"line\": 12, \"set\": {{\"field\": value}}}})");
            }

            string? batch = null;
            long? at = null;
            try
            {
                batch = line["batch_id"]?.GetValue<string>();
                at = line["line"]?.GetValue<long>();
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException)
            {
                batch = null;
            }

            if (string.IsNullOrWhiteSpace(batch) || at is null || line["set"] is not JsonObject set || set.Count == 0)
            {
                throw new LakeOperationException($"corrections line {number}: needs \"batch_id\" (string), \"line\" (integer) and a non-empty \"set\" object");
            }

            if (!corrections.TryAdd((batch, at.Value), new Correction(number, set.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)).ToList())))
            {
                throw new LakeOperationException($"corrections line {number}: batch '{batch}' line {at} is corrected twice");
            }
        }

        if (corrections.Count == 0)
        {
            throw new LakeOperationException($"corrections file '{path}' holds no correction");
        }

        return corrections;
    }
}
