using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Sources;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Lake;

/// <summary>
/// The one path into the lake: parse → validate → hash user ids → quarantine the bad → publish the good atomically.
/// Files, the HTTP ingest API, the PostgreSQL extractor and the demo generator all land through it.
/// </summary>
/// <remarks>
/// A batch is staged under <c>&lt;lake&gt;/_staging/&lt;batch_id&gt;/</c>, fsynced, renamed file by file into place
/// (deterministic names, so a re-run overwrites instead of duplicating) and completed by its manifest, written last.
/// </remarks>
public sealed class IngestPipeline
{
    private const int SampleSize = 20;
    private readonly LakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly Lazy<UserIdHasher> _hasher;

    /// <summary>Creates the pipeline.</summary>
    public IngestPipeline(LakeOptions options, TimeProvider time, ILogger<IngestPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _hasher = new Lazy<UserIdHasher>(() => UserIdHasher.Create(_options, _logger));
    }

    /// <summary>The lake's root folder (absolute).</summary>
    public string LakeRoot => Path.GetFullPath(_options.Root);

    /// <summary>Rows per Parquet row group (and the flush size of one partition's buffer); DuckDB's own default.</summary>
    internal int RowGroupRows { get; set; } = 122_880;

    /// <summary>Buffered rows across all partitions of a batch before the largest buffers are flushed (bounds memory).</summary>
    internal int MaxBufferedRows { get; set; } = 245_760;

    /// <summary>Called after each file of a batch is renamed into place (crash tests pause here).</summary>
    internal static Action<string>? AfterFilePublished { get; set; }

    /// <summary>Awaited when a batch is staged, before it takes the lake lock to publish (concurrency tests line batches up here).</summary>
    internal Func<CancellationToken, Task>? BeforePublishAsync { get; set; }

    // Lakes this process has recovered (journals, version backfill) once already; later ingests only look for journals.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Recovered = new(StringComparer.Ordinal);

    /// <summary>
    /// A pipeline for the command line: <see cref="LakeOptions"/> from the <c>Lake</c> section of <paramref name="configuration"/>
    /// (else environment variables such as <c>Lake__HashKey</c>), with <paramref name="lakeRoot"/> as the root.
    /// </summary>
    public static IngestPipeline Create(string lakeRoot, IConfiguration? configuration = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = new LakeOptions();
        configuration.GetSection(LakeOptions.SectionName).Bind(options);
        options.Root = lakeRoot;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<IngestPipeline>();
        return new IngestPipeline(options, time ?? TimeProvider.System, logger);
    }

    /// <summary>
    /// Completes or rolls back interrupted publishes and backfills lake versions (<see cref="LakeRecovery"/>): fully the
    /// first time in this process, afterwards only when a journal is pending. Every ingest calls it first; the landing
    /// scan calls it at every run, so a worker recovers its lake within a scan of starting even with nothing to land.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var lake = LakeRoot;
        if (!(Recovered.TryGetValue(lake, out var done) && done) || LakeRecovery.HasPendingJournals(lake))
        {
            await LakeRecovery.RecoverAsync(lake, _time, _logger, cancellationToken);
            Recovered[lake] = Directory.Exists(lake);
        }
    }

    /// <summary>The format of a file from its extension: .csv, .ndjson/.jsonl, .parquet.</summary>
    /// <exception cref="UnreadableInputException">Any other extension.</exception>
    public static RecordFormat FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => RecordFormat.Csv,
        ".ndjson" or ".jsonl" => RecordFormat.Ndjson,
        ".parquet" => RecordFormat.Parquet,
        var other => throw new UnreadableInputException(
            $"{Path.GetFileName(path)}: unknown format '{other}' (expected .csv, .ndjson, .jsonl or .parquet)"),
    };

    /// <summary>The kind named by a file name's leading word (<c>decisions_2026-11-02.csv</c>, <c>qa_audits-x.ndjson</c>), or null.</summary>
    public static RecordKind? KindFromFileName(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        foreach (var kind in RecordKinds.All)
        {
            foreach (var prefix in new[] { kind.LakeName(), kind.LakeName().Replace('_', '-') })
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal)
                    && (name.Length == prefix.Length || name[prefix.Length] is '_' or '-' or '.' or ' '))
                {
                    return kind;
                }
            }
        }

        return null;
    }

    /// <summary>The kind whose required fields are all among <paramref name="fields"/> (the best match when several are).</summary>
    /// <exception cref="UnreadableInputException">No kind fits.</exception>
    public static RecordKind KindFromFields(IReadOnlyCollection<string> fields)
    {
        var names = new HashSet<string>(fields.Select(f => f.Trim()), StringComparer.OrdinalIgnoreCase);
        var best = RecordKinds.All
            .Select(k => KindSchemas.For(k))
            .Where(s => s.RequiredFields.All(f => names.Contains(f.Name)))
            .OrderByDescending(s => s.Fields.Count(f => names.Contains(f.Name)))
            .ThenBy(s => s.Fields.Count)
            .FirstOrDefault();
        // Only contract field names are named: a CSV without a header row would otherwise put its first record (a user id
        // among it) into the message, the landing folder's reason file and the job log.
        var known = fields.Where(f => RecordKinds.All.Any(k => KindSchemas.For(k).IndexOf(f.Trim()) >= 0)).Take(12).ToList();
        return best?.Kind ?? throw new UnreadableInputException(
            $"cannot tell the record kind from the fields ({(known.Count == 0 ? "none is a contract field" : string.Join(", ", known))}); name the file after its kind (e.g. decisions_2026-11-02.csv) or pass --kind");
    }

    /// <summary>Lands one file. Kind from <paramref name="kind"/>, else from the file name's leading kind name, else from the header.</summary>
    /// <exception cref="UnreadableInputException">The file cannot be read at all; nothing is written.</exception>
    public async Task<IngestResult> IngestFileAsync(string path, RecordKind? kind, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new UnreadableInputException($"{path}: file not found");
        }

        var format = FormatOf(full);
        kind ??= KindFromFileName(full);
        try
        {
            using var source = OpenSource(full, format, kind);
            var batchId = await ContentBatchIdAsync(source.Schema.Kind, full, cancellationToken);
            return await IngestSourceAsync(source, full, batchId, null, cancellationToken);
        }
        catch (UnreadableInputException ex) when (!ex.Message.StartsWith(Path.GetFileName(full), StringComparison.Ordinal))
        {
            throw new UnreadableInputException($"{Path.GetFileName(full)}: {ex.Message}", ex.InnerException);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not BatchInProgressException)
        {
            throw new UnreadableInputException($"{Path.GetFileName(full)}: cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>Lands a delivery from a stream (HTTP body). <paramref name="batchKey"/> (an idempotency key) makes a retried delivery land once; when null the content hash is used.</summary>
    /// <exception cref="UnreadableInputException">The content cannot be read at all; nothing is written.</exception>
    public async Task<IngestResult> IngestStreamAsync(Stream content, RecordFormat format, RecordKind kind, string source, string? batchKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lake = LakeRoot;
        // Created by its lock (StagingLock.Acquire), never bare, so a concurrent cleanup cannot take it.
        var incoming = Path.Combine(lake, LakeLayout.StagingFolder, "_incoming-" + Guid.NewGuid().ToString("N"));
        var file = Path.Combine(incoming, "body" + format switch
        {
            RecordFormat.Csv => ".csv",
            RecordFormat.Ndjson => ".ndjson",
            _ => ".parquet",
        });
        try
        {
            // Keep the delivery on disk, not in memory: a body can be large, and Parquet needs a seekable file.
            using (var lockHandle = StagingLock.Acquire(incoming))
            {
                string contentHash;
                await using (var target = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    sha.AppendData(Encoding.UTF8.GetBytes(kind.LakeName() + "\n"));
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }

                    contentHash = Convert.ToHexStringLower(sha.GetHashAndReset())[..24];
                }

                var batchId = batchKey is null ? contentHash : KeyBatchId(kind, batchKey);
                using var reader = OpenSource(file, format, kind);
                return await IngestSourceAsync(reader, source, batchId, batchKey, cancellationToken);
            }
        }
        finally
        {
            TryDeleteDirectory(incoming);
        }
    }

    /// <summary>
    /// Lands rows already split into fields (PostgreSQL extractor, demo generator). Values may be null, string, numbers,
    /// bool, DateTimeOffset/DateTime (UTC) or an <c>IEnumerable&lt;string&gt;</c> for list fields.
    /// </summary>
    public async Task<IngestResult> IngestRowsAsync(RecordKind kind, IEnumerable<IReadOnlyDictionary<string, object?>> rows, string source, string batchKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentException.ThrowIfNullOrEmpty(batchKey);
        using var reader = new ValueRecordSource(KindSchemas.For(kind), rows);
        return await IngestSourceAsync(reader, source, KeyBatchId(kind, batchKey), batchKey, cancellationToken);
    }

    /// <summary>
    /// Lands a replay's delivery (<see cref="QuarantineReplay"/>): the caller holds the lake lock and has recovered; refused
    /// records are reported to <paramref name="run"/> instead of quarantined, and its plan joins the publish journal.
    /// </summary>
    internal Task<IngestResult> ReplayAsync(IRecordSource source, string sourceName, string batchId, string batchKey, ReplayRun run, CancellationToken cancellationToken) =>
        IngestSourceAsync(source, sourceName, batchId, batchKey, cancellationToken, run);

    /// <summary>The batch id of a delivery with an idempotency key: sha256 of kind and key (24 hex chars).</summary>
    public static string KeyBatchId(RecordKind kind, string batchKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kind.LakeName() + "\nkey:" + batchKey)))[..24];

    internal static async Task<string> ContentBatchIdAsync(RecordKind kind, string path, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(kind.LakeName() + "\n"));
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..24];
    }

    private static IRecordSource OpenSource(string path, RecordFormat format, RecordKind? kind)
    {
        switch (format)
        {
            case RecordFormat.Csv:
                return CsvRecordSource.Open(OpenRead(path), kind, KindFromFields);
            case RecordFormat.Ndjson:
                return NdjsonRecordSource.Open(OpenRead(path), kind, KindFromFields);
            case RecordFormat.Parquet:
                return ValueRecordSource.OpenParquet(path, kind, KindFromFields);
            default:
                throw new UnreadableInputException($"unknown format {format}");
        }
    }

    private static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private async Task<IngestResult> IngestSourceAsync(IRecordSource source, string sourceName, string batchId, string? batchKey, CancellationToken cancellationToken, ReplayRun? replay = null)
    {
        var lake = LakeRoot;
        var schema = source.Schema;
        var kind = schema.Kind;
        var manifestPath = LakeLayout.ManifestPath(lake, batchId);
        // Before anything else: an interrupted publish (maybe of this very batch) is completed or rolled back first. A replay
        // holds the lake lock already and has recovered under it.
        if (replay is null)
        {
            await RecoverAsync(cancellationToken);
        }

        var existing = BatchManifest.TryRead(manifestPath);
        if (existing is not null)
        {
            _logger.LogInformation("Batch {BatchId} ({Source}) was ingested before at {IngestedAt}: nothing to do", batchId, sourceName, existing.IngestedAt);
            return new IngestResult(batchId, kind, existing.Source, existing.Landed, existing.Quarantined, existing.Duplicates, true, existing.Flagged, []);
        }

        Directory.CreateDirectory(lake);
        StagingLock.CleanAbandoned(Path.Combine(lake, LakeLayout.StagingFolder), _logger, _time);
        var staging = Path.Combine(lake, LakeLayout.StagingFolder, batchId);
        var lockHandle = StagingLock.AcquireFresh(staging, batchId);

        var ingestedAt = _time.GetUtcNow();
        var ingestedUtc = new DateTime(ingestedAt.UtcTicks - (ingestedAt.UtcTicks % 10), DateTimeKind.Utc);
        object boxedIngestedAt = ingestedUtc; // boxed once, not per row
        var hasher = _hasher.Value;
        var cipher = QuarantineCipher.For(_options.QuarantineKey);
        using var validator = new RecordValidator(schema, hasher);
        // Erased users (docs/lake.md, "Erasure"): a decision of theirs is refused with the reason 'erased', keeping no text.
        var tombstones = validator.UserIdIndex >= 0 ? Tombstones.Hashes(lake) : new HashSet<string>(StringComparer.Ordinal);
        var columns = LakeLayout.ColumnsOf(kind);
        var lineageStart = columns.Count - LakeLayout.LineageColumns.Count;
        var writers = new SortedDictionary<DateOnly, ParquetPartWriter>();
        var dataPool = new ColumnBatchPool(columns);
        ParquetPartWriter? quarantineWriter = null;

        // Two stages on two threads: this one reads, validates and hashes; a writer task encodes full row groups with
        // Parquet.Net. The bounded channel keeps at most one row group waiting besides the one being written (memory stays flat).
        var flushes = Channel.CreateBounded<(ParquetPartWriter Writer, ColumnBatch Batch)>(
            new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var writerTask = Task.Run(() => WriteRowGroupsAsync(flushes, cancellationToken), CancellationToken.None);
        var quarantineRow = new object?[LakeLayout.QuarantineColumns.Count];
        var sample = new List<QuarantinedRecord>();
        var row = new object?[columns.Count];
        var errors = new List<string>();
        long records = 0, landed = 0, quarantined = 0, duplicates = 0, flaggedCount = 0, buffered = 0;

        using var index = new RecordHashIndex(lake, kind, batchId);
        try
        {
            foreach (var record in source.Read(cancellationToken))
            {
                records++;
                string? reason = record.Error;
                var flagged = false;
                validator.UserIdHashed = replay is not null && replay.UserIdHashed.Contains(record.Line);
                if (reason is null && !validator.Validate(record, row, errors, out flagged))
                {
                    reason = string.Join("; ", errors);
                }

                var erased = tombstones.Count > 0 && (reason is null
                    ? tombstones.Contains((string)row[validator.UserIdIndex]!)
                    : record.Error is null && record.Values[validator.UserIdIndex] is string given && given.Trim().Length > 0
                      && tombstones.Contains(validator.UserIdHashed ? given.Trim() : validator.HashUserId(given.Trim())));
                if (replay is not null && (erased || reason is not null))
                {
                    // A replay keeps a record that fails again where it is (in its quarantine batch) and drops an erased one.
                    if (erased)
                    {
                        replay.Erased.Add(record.Line);
                    }
                    else
                    {
                        replay.Refused[record.Line] = reason!;
                    }

                    continue;
                }

                if (erased || reason is not null)
                {
                    quarantined++;
                    var raw = erased ? default : QuarantineRaw.Of(source, record, validator, cipher);
                    if (!erased && raw.Raw is null && tombstones.Count > 0 && HoldsErasedUser(source.RawBytes(record).Span, validator, tombstones))
                    {
                        // The user id could not be located, but one of the record's values is an erased user's id.
                        erased = true;
                        raw = default;
                    }

                    reason = erased ? Tombstones.ErasedReason : reason!;
                    if (sample.Count < SampleSize)
                    {
                        sample.Add(new QuarantinedRecord(sourceName, record.Line, reason, raw.Display));
                    }

                    quarantineWriter ??= ParquetPartWriter.Create(
                        Path.Combine(staging, LakeLayout.QuarantineFolder, LakeLayout.PartitionName(DateOnly.FromDateTime(ingestedUtc)), LakeLayout.PartFileName(batchId)),
                        LakeLayout.QuarantineColumns);
                    quarantineRow[0] = kind.LakeName();
                    quarantineRow[1] = sourceName;
                    quarantineRow[2] = record.Line;
                    quarantineRow[3] = reason;
                    quarantineRow[4] = raw.Raw;
                    quarantineRow[5] = batchId;
                    quarantineRow[6] = boxedIngestedAt;
                    quarantineRow[7] = raw.Encrypted;
                    quarantineRow[8] = raw.Sha256;
                    quarantineRow[9] = raw.Length;
                    quarantineRow[10] = erased ? null : source.RawColumns;
                    quarantineWriter.Append(quarantineRow);
                    if (quarantineWriter.BufferedRows >= RowGroupRows)
                    {
                        await flushes.Writer.WriteAsync((quarantineWriter, quarantineWriter.Detach()), cancellationToken);
                    }

                    continue;
                }

                var hash = validator.RecordHash(row, out var hashValue);
                var dt = DateOnly.FromDateTime((DateTime)row[schema.PartitionIndex]!);
                if (!index.TryAdd(dt, hashValue))
                {
                    duplicates++;
                    continue;
                }

                row[lineageStart] = boxedIngestedAt;
                row[lineageStart + 1] = batchId;
                if (replay is not null)
                {
                    // A replayed record keeps the lineage of its delivery: the original source and line.
                    var (originalSource, originalLine) = replay.Lineage(record.Line);
                    row[lineageStart + 2] = originalSource;
                    row[lineageStart + 3] = originalLine;
                }
                else
                {
                    row[lineageStart + 2] = sourceName;
                    row[lineageStart + 3] = record.Line;
                }
                row[lineageStart + 4] = hash;
                if (!writers.TryGetValue(dt, out var writer))
                {
                    writer = ParquetPartWriter.Create(
                        Path.Combine(staging, kind.LakeName(), LakeLayout.PartitionName(dt), LakeLayout.PartFileName(batchId)), columns, dataPool);
                    writers[dt] = writer;
                }

                writer.Append(row);
                replay?.Landed.Add(record.Line);
                landed++;
                buffered++;
                if (flagged)
                {
                    flaggedCount++;
                }

                if (writer.BufferedRows >= RowGroupRows)
                {
                    buffered -= writer.BufferedRows;
                    await flushes.Writer.WriteAsync((writer, writer.Detach()), cancellationToken);
                }
                else if (buffered >= MaxBufferedRows)
                {
                    // Many partitions each below a row group: flush the biggest buffers to bound memory.
                    foreach (var largest in writers.Values.OrderByDescending(w => w.BufferedRows).ToList())
                    {
                        buffered -= largest.BufferedRows;
                        await flushes.Writer.WriteAsync((largest, largest.Detach()), cancellationToken);
                        if (buffered < MaxBufferedRows / 2)
                        {
                            break;
                        }
                    }
                }
            }

            // The last row group of every file goes through the writer task too, then the footers are written here.
            foreach (var writer in writers.Values)
            {
                if (writer.BufferedRows > 0)
                {
                    await flushes.Writer.WriteAsync((writer, writer.Detach()), cancellationToken);
                }
            }

            if (quarantineWriter is { BufferedRows: > 0 })
            {
                await flushes.Writer.WriteAsync((quarantineWriter, quarantineWriter.Detach()), cancellationToken);
            }

            flushes.Writer.TryComplete();
            await writerTask;
            foreach (var writer in writers.Values)
            {
                await writer.CompleteAsync(cancellationToken);
            }

            if (quarantineWriter is not null)
            {
                await quarantineWriter.CompleteAsync(cancellationToken);
            }
        }
        catch (Exception failure)
        {
            // Stop the writer task before the files it writes are disposed; a failure there is the one to report.
            flushes.Writer.TryComplete();
            try
            {
                await writerTask;
            }
            catch (Exception writerFailure) when (failure is ChannelClosedException)
            {
                await AbandonAsync(writers.Values, quarantineWriter, lockHandle, staging);
                ExceptionDispatchInfo.Throw(writerFailure);
            }
            catch (Exception)
            {
                // The reader's own failure is reported below.
            }

            await AbandonAsync(writers.Values, quarantineWriter, lockHandle, staging);
            throw;
        }

        if (BeforePublishAsync is not null)
        {
            await BeforePublishAsync(cancellationToken);
        }

        BatchManifest? manifest;
        var completedMeanwhile = false;
        try
        {
            using (replay is not null ? null : await LakeLock.AcquireAsync(lake, cancellationToken))
            {
                // Publish under the lake lock: the dedupe against rows published since this batch started, the journal,
                // every staged file renamed into place, then the manifest (with the next lake version) that marks the batch
                // complete. Orphaned journals go first, so versions follow publish order.
                PublishJournal.RecoverAll(lake, _time, _logger);
                manifest = BatchManifest.TryRead(manifestPath);
                if (manifest is not null)
                {
                    // Completed meanwhile by the recovery of an earlier, interrupted run of the same batch.
                    completedMeanwhile = true;
                }
                else
                {
                    if (validator.UserIdIndex >= 0 && Tombstones.Hashes(lake).Where(h => !tombstones.Contains(h)).ToList() is { Count: > 0 } late)
                    {
                        // An erasure published while this batch was staging: its user's rows must not land after it.
                        var removed = RemoveErased(writers.Values.Select(w => w.Path), late);
                        landed -= removed;
                        if (quarantineWriter is not null && File.Exists(quarantineWriter.Path))
                        {
                            EraseInStagedQuarantine(quarantineWriter.Path, late.ToHashSet(StringComparer.Ordinal), validator, cipher);
                        }

                        if (removed > 0)
                        {
                            _logger.LogWarning("Batch {BatchId}: {Removed} records of users erased while it was staging were dropped (reason: erased)", batchId, removed);
                        }
                    }

                    var renames = Renames(lake, staging, index, writers, quarantineWriter, ref landed, ref duplicates, cancellationToken);
                    var quarantinePrefix = LakeLayout.QuarantineFolder + "/";
                    // A replay adds its quarantine rewrites (the replayed rows leave their quarantine batches) to the same
                    // journal, so the new rows and the removal are completed together after a crash; null: nothing to publish.
                    var plan = replay?.Plan(staging, landed);
                    if (replay is not null && plan is null)
                    {
                        lockHandle.Dispose();
                        TryDeleteDirectory(staging);
                        return new IngestResult(batchId, kind, sourceName, 0, 0, duplicates, false, 0, []);
                    }

                    var journal = new PublishJournal
                    {
                        BatchId = batchId,
                        Staging = Path.GetRelativePath(lake, staging).Replace(Path.DirectorySeparatorChar, '/'),
                        Renames = plan is null ? renames : [.. renames, .. plan.Renames],
                        Deletes = plan?.Deletes ?? [],
                        Rewrite = plan is not null,
                        Manifest = new BatchManifest
                        {
                            BatchId = batchId,
                            Kind = kind.LakeName(),
                            Source = sourceName,
                            BatchKey = batchKey,
                            IngestedAt = new DateTimeOffset(ingestedUtc),
                            Records = records,
                            Landed = landed,
                            Quarantined = quarantined,
                            Duplicates = duplicates,
                            Flagged = flaggedCount,
                            Files = renames.Where(r => !r.Final.StartsWith(quarantinePrefix, StringComparison.Ordinal)).Select(r => r.Final).ToList(),
                            QuarantineFiles = (plan is null ? renames : plan.Renames).Where(r => r.Final.StartsWith(quarantinePrefix, StringComparison.Ordinal)).Select(r => r.Final).ToList(),
                            Operation = plan is null ? null : "replay",
                            ReplayedFrom = plan?.ReplayedFrom,
                            QuarantineRemoved = plan?.QuarantineRemoved,
                        },
                    };
                    journal.Write(lake);
                    manifest = journal.Execute(lake, _time, _logger, AfterFilePublished);
                }
            }
        }
        finally
        {
            // On failure a journal already written stays for recovery, and so does its staging folder (CleanAbandoned skips it).
            lockHandle.Dispose();
        }

        TryDeleteDirectory(staging);
        if (manifest is null)
        {
            throw new IOException($"batch {batchId}: staged files vanished during its publish; it was rolled back, deliver it again");
        }

        if (completedMeanwhile)
        {
            return new IngestResult(batchId, kind, manifest.Source, manifest.Landed, manifest.Quarantined, manifest.Duplicates, true, manifest.Flagged, []);
        }

        _logger.LogInformation(
            "Batch {BatchId} {Kind} from {Source}: {Landed} landed, {Quarantined} quarantined, {Duplicates} duplicates, {Flagged} flagged; lake version {Version}",
            batchId, kind.LakeName(), sourceName, landed, quarantined, duplicates, flaggedCount, manifest.LakeVersion);
        return new IngestResult(batchId, kind, sourceName, landed, quarantined, duplicates, false, flaggedCount, sample);
    }

    /// <summary>
    /// The renames of a staged batch, after removing from its staged files the records published by others since it
    /// loaded their partitions (a partition left empty is not published); the counts move from landed to duplicates.
    /// </summary>
    private static List<JournalRename> Renames(
        string lake, string staging, RecordHashIndex index, SortedDictionary<DateOnly, ParquetPartWriter> writers, ParquetPartWriter? quarantineWriter,
        ref long landed, ref long duplicates, CancellationToken cancellationToken)
    {
        var renames = new List<JournalRename>();
        foreach (var (dt, writer) in writers)
        {
            if (!File.Exists(writer.Path))
            {
                // Emptied by an erasure published while the batch was staging.
                continue;
            }

            var late = index.RemovePublishedSince(dt, writer.Path, writer.TotalRows, cancellationToken);
            landed -= late;
            duplicates += late;
            if (File.Exists(writer.Path))
            {
                renames.Add(Rename(lake, staging, writer.Path));
            }
        }

        if (quarantineWriter is not null)
        {
            renames.Add(Rename(lake, staging, quarantineWriter.Path));
        }

        return renames;
    }

    /// <summary>Turns the staged quarantine rows that hold a user erased meanwhile into <c>erased</c> rows without text.</summary>
    private static void EraseInStagedQuarantine(string path, IReadOnlySet<string> erased, RecordValidator validator, QuarantineCipher? cipher)
    {
        using var connection = DuckDb.Open();
        var read = $"read_parquet({DuckDb.Literal(path)}, hive_partitioning = false)";
        var hits = new List<long>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"select line, raw, raw_encrypted from {read}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var raw = reader.IsDBNull(1) ? null : reader.GetString(1);
                var encrypted = reader.IsDBNull(2) ? null : reader.GetString(2);
                var hit = raw is not null
                    ? erased.Any(h => raw.Contains(h, StringComparison.Ordinal))
                    : encrypted is not null && cipher is not null && HoldsErasedUser(cipher.Decrypt(encrypted), validator, erased);
                if (hit)
                {
                    hits.Add(reader.GetInt64(0));
                }
            }
        }

        if (hits.Count == 0)
        {
            return;
        }

        var lines = string.Join(", ", hits.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var when = $"line in ({lines})";
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                copy (select * replace (
                    case when {when} then '{Tombstones.ErasedReason}' else reason end as reason,
                    case when {when} then null else raw end as raw,
                    case when {when} then null else raw_encrypted end as raw_encrypted,
                    case when {when} then null else raw_sha256 end as raw_sha256,
                    case when {when} then null else raw_length end as raw_length,
                    case when {when} then null else raw_columns end as raw_columns)
                from {read}) to {DuckDb.Literal(path + ".erased")} (format parquet, compression snappy)
                """;
            command.ExecuteNonQuery();
        }

        QuarantineRows.FsyncFile(path + ".erased");
        File.Move(path + ".erased", path, overwrite: true);
    }

    /// <summary>Removes from staged data files the rows whose user_id is in <paramref name="erased"/>; returns how many (a file left empty is deleted).</summary>
    private static long RemoveErased(IEnumerable<string> stagedFiles, IReadOnlyList<string> erased)
    {
        long removed = 0;
        using var connection = DuckDb.Open();
        var list = string.Join(", ", erased.Select(DuckDb.Literal));
        foreach (var file in stagedFiles.Where(File.Exists))
        {
            var read = $"read_parquet({DuckDb.Literal(file)}, hive_partitioning = false)";
            long hits, total;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"select count(*) filter (where user_id in ({list})), count(*) from {read}";
                using var reader = command.ExecuteReader();
                reader.Read();
                hits = reader.GetInt64(0);
                total = reader.GetInt64(1);
            }

            if (hits == 0)
            {
                continue;
            }

            removed += hits;
            if (hits == total)
            {
                File.Delete(file);
                continue;
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"copy (select * from {read} where user_id not in ({list})) to {DuckDb.Literal(file + ".erased")} (format parquet, compression snappy, row_group_size 122880)";
                command.ExecuteNonQuery();
            }

            QuarantineRows.FsyncFile(file + ".erased");
            File.Move(file + ".erased", file, overwrite: true);
        }

        return removed;
    }

    /// <summary>True when any value-like token of a broken record's text hashes to a tombstoned user.</summary>
    private static bool HoldsErasedUser(ReadOnlySpan<byte> bytes, RecordValidator validator, IReadOnlySet<string> tombstones)
    {
        var text = Encoding.UTF8.GetString(bytes);
        foreach (var token in text.Split([',', ';', '"', '{', '}', '[', ']', ':', '\t', '\r', '\n', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (token.Length <= 256 && tombstones.Contains(validator.HashUserId(token)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The writer stage: encodes row groups in arrival order (one file's row groups arrive in order).</summary>
    private static async Task WriteRowGroupsAsync(Channel<(ParquetPartWriter Writer, ColumnBatch Batch)> flushes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (writer, batch) in flushes.Reader.ReadAllAsync(cancellationToken))
            {
                await writer.WriteAsync(batch, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Unblocks the reader stage (its next WriteAsync throws) instead of leaving it waiting on a full channel.
            flushes.Writer.TryComplete(ex);
            throw;
        }
    }

    private static async Task AbandonAsync(IEnumerable<ParquetPartWriter> writers, ParquetPartWriter? quarantineWriter, IDisposable lockHandle, string staging)
    {
        foreach (var writer in writers)
        {
            await writer.DisposeAsync();
        }

        if (quarantineWriter is not null)
        {
            await quarantineWriter.DisposeAsync();
        }

        lockHandle.Dispose();
        TryDeleteDirectory(staging);
    }

    private static JournalRename Rename(string lake, string staging, string stagedPath)
    {
        var relative = Path.GetRelativePath(staging, stagedPath).Replace(Path.DirectorySeparatorChar, '/');
        return new JournalRename(Path.GetRelativePath(lake, stagedPath).Replace(Path.DirectorySeparatorChar, '/'), relative);
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover staging folder is cleaned by the next run.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
