using System.Text.Json;
using DuckDB.NET.Data;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>The rollup folder under the lake root.</summary>
    public const string RollupFolder = "_rollups";

    /// <summary>
    /// The additive daily rollups (<c>rollups/rollup_&lt;name&gt;.sql</c> over the temp relations <c>scope</c> and
    /// <c>scope_audits</c>), each keyed by the case dimensions scored_date, week, case_type, model_version and region.
    /// </summary>
    public static readonly IReadOnlyList<string> AggregateTables =
        ["daily", "daily_calibration", "daily_open", "daily_resolution", "daily_qa", "daily_audits", "daily_agreement", "daily_root_causes",
            UnlabeledTable, SweepTable, HandlingTable, SignalSetTable];

    /// <summary>The daily rollup of decided cases per threshold, label and sweep bucket (the threshold sweep's input).</summary>
    private const string SweepTable = "daily_sweep";

    /// <summary>The daily rollup of resolved reviews' handling hours with multiplicity (the sweep's median handling time).</summary>
    private const string HandlingTable = "daily_handling";

    /// <summary>The daily rollup of labeled cases per label, signal set and root cause (the cluster search's input).</summary>
    private const string SignalSetTable = "daily_signal_sets";

    /// <summary>
    /// The daily rollups only the analyses read (threshold sweep, clusters, cluster trends): never part of a metrics call,
    /// bound per rollup version when an analysis first asks for them (<see cref="WithAnalysisAggregates{T}"/>).
    /// </summary>
    private static readonly string[] AnalysisTables = [SweepTable, HandlingTable, SignalSetTable];

    /// <summary>The daily rollups that grow with distinct values (quantile inputs): read from Parquet, not copied into memory.</summary>
    private static readonly string[] ParquetBoundTables = [ResolutionTable, HandlingTable];

    /// <summary>The daily rollup of unlabeled decided cases per confidence bin and ai_decision (population estimates).</summary>
    private const string UnlabeledTable = "daily_unlabeled";

    /// <summary>
    /// The relation <c>estimates.sql</c> reads the calibration map from (<c>calibration_map.sql</c>, over every labeled case
    /// of the lake whatever the filters): derived in memory from the loaded daily_calibration rollup once per version, or
    /// on the raw path from the <c>cases</c> view.
    /// </summary>
    private const string CalibrationMap = "scope_calibration_map";

    /// <summary>The query of <c>calibration_map.sql</c> over <paramref name="labels"/> (labeled-case counts per case type and bin).</summary>
    private static string CalibrationMapOf(string labels) => SqlScripts.Get("calibration_map").Replace("{{labels}}", labels, StringComparison.Ordinal);

    /// <summary>The one daily rollup whose size grows with the resolved cases (the quantiles' values).</summary>
    private const string ResolutionTable = "daily_resolution";

    /// <summary>The daily rollup of open manual cases with their exact scored_at_us.</summary>
    private const string OpenTable = "daily_open";

    /// <summary>
    /// The relation resolution.sql ages the edge days from: <see cref="OpenTable"/> per hour (<c>open_hours.sql</c>),
    /// derived in memory when a rollup version is bound, or from the raw path's <c>scope_daily_open</c>.
    /// </summary>
    public const string OpenHours = "scope_daily_open_hours";

    /// <summary>The query of <c>open_hours.sql</c> over <paramref name="table"/> (a daily_open relation).</summary>
    public static string OpenHoursOf(string table) => SqlScripts.Get("open_hours").Replace("{{table}}", table, StringComparison.Ordinal);

    /// <summary>The daily rollups only <see cref="MetricsDetail.Full"/> reads: quantile values and the quality table's inputs.</summary>
    private static readonly string[] FullDetailTables = [ResolutionTable, "daily_audits", "daily_agreement"];

    /// <summary>
    /// The daily rollups also kept summed over review_vendors in memory (calls without a vendor filter read that copy),
    /// with each one's key columns besides the case dimensions.
    /// </summary>
    private static readonly Dictionary<string, string[]> CollapseKeys = new(StringComparer.Ordinal)
    {
        ["daily"] = [],
        ["daily_calibration"] = ["confidence_bin"],
        ["daily_open"] = ["scored_at_us"],
        ["daily_qa"] = ["vendor"],
        ["daily_root_causes"] = ["root_cause_code"],
        [UnlabeledTable] = ["confidence_bin", "ai_decision"],
    };

    /// <summary>The relation the SOP metric files read: the <c>sop_coverage</c> view, or its in-memory copy per rollup version.</summary>
    private const string SopCatalogue = "scope_sop_coverage";

    /// <summary>The daily rollups of QA audits: a vendor filter also keeps only the audits of its vendors' reviews.</summary>
    private static readonly string[] AuditTables = ["daily_qa", "daily_audits"];

    private static readonly string[] RollupTables = ["cases", "case_audits", "case_reviews", .. AggregateTables, "data_quality"];

    /// <summary>
    /// Commands over the bound rollup relations, kept per SQL text while one rollup version is bound: DuckDB then parses,
    /// binds and plans each metric file once per version instead of on every call (the filter is a table, not text).
    /// </summary>
    private readonly PreparedCommands _preparedCommands;

    /// <summary>
    /// Whether metrics may read the rollup snapshot (default true). Raw views are used when it is false, when no rollup
    /// exists, or when batches were published since it was built and <see cref="ServePublishedRollup"/> is off.
    /// </summary>
    public bool UseRollups { get; set; } = true;

    /// <summary>
    /// DuckDB threads for an overview answer from the daily rollups (null: DuckDB's default, one per core). Its
    /// statements each aggregate a few thousand in-memory rows, where scheduling parallel tasks can cost more than the
    /// work; raw-path, full-detail and build queries keep every core.
    /// </summary>
    public int? OverviewThreads
    {
        get => _overviewThreads;
        set => _overviewThreads = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least one thread");
    }

    private int? _overviewThreads;

    /// <summary>True when the last metrics call read the rollup snapshot instead of the raw views.</summary>
    public bool LastScopeFromRollup { get; private set; }

    /// <summary>
    /// True when the last <see cref="GetMetrics"/> read only the published daily rollups (no per-case rows): a fresh
    /// rollup exists and no vendor filter is set (vendors are not a rollup dimension).
    /// </summary>
    public bool LastMetricsFromDailyRollup { get; private set; }

    /// <summary>
    /// Raw decision rows per bucket of a rollup build (default 16 M): the build resolves the case snapshot one bucket of
    /// case ids at a time, so its memory and spill stay near one bucket's share whatever the lake's size. Lakes up to
    /// this size build in one bucket.
    /// </summary>
    public long RollupBucketRows
    {
        get => _rollupBucketRows;
        set => _rollupBucketRows = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a rollup bucket holds at least one row");
    }

    private long _rollupBucketRows = 16_000_000;

    /// <summary>
    /// Materialises the rollups (<c>rollups/*.sql</c>) with DuckDB <c>COPY</c> into a new version folder under
    /// <c>&lt;lake&gt;/_rollups/</c> and publishes it atomically: the folder is renamed into place, then the
    /// <c>CURRENT</c> pointer is replaced by a rename. Readers see the old version or the new one, never a half state.
    /// The build runs on its own DuckDB connection (see <see cref="WriteRollup"/>): this warehouse keeps answering
    /// meanwhile, and DuckDB's spill files go under the staging folder, never the working directory.
    /// </summary>
    /// <returns>The published version folder.</returns>
    public string BuildRollups(DateTimeOffset builtAt)
    {
        // The source state is taken before reading, so a file landing during the build makes the result stale, not wrong.
        var state = SourceState();
        var lake = ManifestLog.State(LakeRoot);
        var root = Path.Combine(LakeRoot, RollupFolder);
        var version = $"v{builtAt.UtcTicks}-{Guid.NewGuid():N}";
        var staging = Path.Combine(root, $".staging-{version}");
        Directory.CreateDirectory(staging);
        try
        {
            using (var builder = new Warehouse(LakeRoot))
            {
                LastRollupBuckets = builder.WriteRollup(staging, RollupBucketRows);
            }

            var metadata = new RollupMetadata(version, builtAt.ToUniversalTime(), state.Files, state.MaxWriteTicks, state.TotalBytes, lake.Version, lake.DataThrough(), RollupFormat);
            return Publish(root, staging, metadata);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>
    /// Publishes the complete version in <paramref name="staging"/>: its <c>rollup.json</c>, the folder renamed into
    /// place, then the <c>CURRENT</c> pointer replaced by a rename; older versions beyond one are removed.
    /// </summary>
    private static string Publish(string root, string staging, RollupMetadata metadata)
    {
        File.WriteAllText(Path.Combine(staging, "rollup.json"), JsonSerializer.Serialize(metadata, WarehouseJson.Options));
        var target = Path.Combine(root, metadata.Version);
        Directory.Move(staging, target);
        var pointer = Path.Combine(root, "CURRENT");
        var temp = Path.Combine(root, $".CURRENT-{metadata.Version}");
        File.WriteAllText(temp, JsonSerializer.Serialize(metadata, WarehouseJson.Options));
        File.Move(temp, pointer, overwrite: true);
        RemoveOldVersions(root, keep: metadata.Version);
        return target;
    }

    /// <summary>
    /// Writes every rollup table into <paramref name="staging"/>, on this (the build's own) connection. Reviews and QA
    /// audits are first resolved over the whole lake (<c>rollup_build_*.sql</c>); then the views are narrowed to one
    /// bucket of case ids at a time (<c>rollup_bucket_views.sql</c>, plus the raw decision/label/quarantine views'
    /// own text filtered by bucket) and each bucket writes its part of the case snapshot, of the audits and resolved
    /// reviews snapshots and of the data-quality counts. The parts are merged, and the daily tables are computed from the merged snapshot.
    /// </summary>
    /// <returns>The number of buckets.</returns>
    private int WriteRollup(string staging, long bucketRows)
    {
        var build = Path.Combine(staging, ".build");
        Directory.CreateDirectory(build);
        Execute($"set temp_directory = '{Quote(Path.Combine(build, "spill"))}'");
        // No output here needs insertion order; dropping it lets DuckDB stream big copies instead of buffering them.
        Execute("set preserve_insertion_order = false");
        var rawDecisions = ToLong(ReadRows("select count(*) as n from raw_decisions")[0]["n"]);
        var buckets = Math.Max(1, (int)Math.Min(int.MaxValue, (rawDecisions + bucketRows - 1) / bucketRows));

        Copy(SqlScripts.Get("rollup_build_reviews"), Path.Combine(build, "reviews.parquet"));
        Copy(SqlScripts.Get("rollup_build_qa_audits"), Path.Combine(build, "qa_audits.parquet"));
        Execute($"set variable rollup_buckets = {buckets}; set variable rollup_bucket = 0");
        Execute(SqlScripts.Get("rollup_bucket_views").Replace("{{build}}", Quote(build), StringComparison.Ordinal));
        var folders = FoldersWithFiles();
        Execute(NarrowToBucket("raw_decisions", "decisions", "rollup_bucket(case_id) = getvariable('rollup_bucket')", folders));
        Execute(NarrowToBucket("raw_labels", "labels", "rollup_bucket(case_id) = getvariable('rollup_bucket')", folders));
        Execute(NarrowToBucket("quarantine", "quarantine", "getvariable('rollup_bucket') = 0", folders));

        string[] parts = ["cases", "case_audits", "case_reviews", "data_quality", "resolved_decisions", "resolved_labels"];
        foreach (var part in parts)
        {
            Directory.CreateDirectory(Path.Combine(build, part));
        }

        for (var bucket = 0; bucket < buckets; bucket++)
        {
            Execute($"set variable rollup_bucket = {bucket}");
            var file = $"part-{bucket:D5}.parquet";
            Copy(SqlScripts.Get("rollup_cases"), Path.Combine(build, "cases", file));
            Execute($"create or replace temp view scope as select * from read_parquet('{Quote(Path.Combine(build, "cases", file))}')");
            Copy(SqlScripts.Get("rollup_case_audits"), Path.Combine(build, "case_audits", file));
            Copy(SqlScripts.Get("rollup_case_reviews"), Path.Combine(build, "case_reviews", file));
            Copy(SqlScripts.Get("data_quality"), Path.Combine(build, "data_quality", file));
            Copy("select * from decisions", Path.Combine(build, "resolved_decisions", file));
            Copy("select * from labels", Path.Combine(build, "resolved_labels", file));
        }

        var cases = Path.Combine(staging, "cases.parquet");
        var audits = Path.Combine(staging, "case_audits.parquet");
        MergeParts(Path.Combine(build, "cases"), cases, buckets);
        MergeParts(Path.Combine(build, "case_audits"), audits, buckets);
        MergeParts(Path.Combine(build, "case_reviews"), Path.Combine(staging, "case_reviews.parquet"), buckets);
        // What the next incremental fold merges pending batches into (Warehouse.Fold.cs): the latest-wins rows per key.
        MergeParts(Path.Combine(build, "resolved_decisions"), Path.Combine(staging, "resolved_decisions.parquet"), buckets);
        MergeParts(Path.Combine(build, "resolved_labels"), Path.Combine(staging, "resolved_labels.parquet"), buckets);
        Copy($"select * from read_parquet('{Quote(Path.Combine(build, "reviews.parquet"))}')", Path.Combine(staging, "resolved_reviews.parquet"));
        Copy($"select * exclude (rollup_case_id) from read_parquet('{Quote(Path.Combine(build, "qa_audits.parquet"))}')", Path.Combine(staging, "resolved_qa_audits.parquet"));
        Execute("set variable rollup_bucket = 0");
        Copy("select batch_id, count(*)::bigint as records from quarantine group by batch_id", Path.Combine(staging, "quarantine_batches.parquet"));
        Copy(
            SqlScripts.Get("rollup_merge_data_quality").Replace("{{parts}}", Quote(Path.Combine(build, "data_quality", "*.parquet")), StringComparison.Ordinal),
            Path.Combine(staging, "data_quality.parquet"));

        // The daily aggregates, from the merged snapshots (one pass each over case-grain rows, no raw data).
        Execute($"create or replace temp view scope as select * from read_parquet('{Quote(cases)}')");
        Execute($"create or replace temp view scope_audits as select * from read_parquet('{Quote(audits)}')");
        Execute($"create or replace temp view review_source as select * from read_parquet('{Quote(Path.Combine(staging, "case_reviews.parquet"))}')");
        foreach (var table in AggregateTables)
        {
            Copy(SqlScripts.Get($"rollup_{table}"), Path.Combine(staging, table + ".parquet"));
        }

        Directory.Delete(build, recursive: true);
        return buckets;
    }

    /// <summary>The buckets the last <see cref="BuildRollups"/> split the cases into.</summary>
    public int LastRollupBuckets { get; private set; }

    /// <summary>
    /// The raw view <paramref name="name"/> as its file binds it, with its read of the kind folder
    /// <paramref name="folder"/> narrowed by <paramref name="predicate"/> (below any latest-wins window). A folder with
    /// no file yet already reads the empty typed relation, which needs no narrowing.
    /// </summary>
    private string NarrowToBucket(string name, string folder, string predicate, BoundLake folders)
    {
        var sql = BindView(name, folders);
        var read = folders.Read(folder);
        if (read is null)
        {
            return sql;
        }

        return sql.Contains(read, StringComparison.Ordinal)
            ? sql.Replace(read, $"(select * from {read} where {predicate})", StringComparison.Ordinal)
            : throw new InvalidOperationException($"view file {name}.sql no longer reads {folder} as the rollup build expects: {read}");
    }

    /// <summary>One bucket's file is moved into place; several are copied into one file.</summary>
    private void MergeParts(string folder, string target, int buckets)
    {
        if (buckets == 1)
        {
            File.Move(Path.Combine(folder, "part-00000.parquet"), target);
            return;
        }

        Copy($"select * from read_parquet('{Quote(Path.Combine(folder, "*.parquet"))}')", target);
    }

    private void Copy(string query, string target) =>
        Execute($"copy ({query}) to '{Quote(target)}' (format parquet, compression zstd)");

    /// <summary>
    /// Runs <paramref name="sql"/> through a command kept while the current rollup version is bound (see
    /// <see cref="_preparedCommands"/>). Only for statements over the rollup relations; call under the gate.
    /// </summary>
    private List<Dictionary<string, object?>> ReadRowsPrepared(string sql, params DuckDBParameter[] parameters) =>
        _preparedCommands.Read(sql, parameters);

    private void ForgetPreparedCommands() => _preparedCommands.Clear();

    /// <summary>
    /// The published rollup folder when it includes every published batch; else null. Freshness is judged by lake
    /// version (the manifest log), not by file state, so a compaction (which rewrites files and writes no manifest)
    /// never makes a rollup stale. A lake without any manifest (files written by hand or by an old test harness) has no
    /// versions: there the rollup is fresh only while the source files are exactly those it was built from.
    /// </summary>
    public string? FreshRollup() => Fresh(PublishedRollupMetadata(), ManifestLog.State(LakeRoot));

    private string? Fresh((string Folder, RollupMetadata Metadata)? published, LakeState lake)
    {
        if (published is not var (folder, metadata))
        {
            return null;
        }

        if (lake.Version > 0)
        {
            return metadata.LakeVersion == lake.Version ? folder : null;
        }

        var state = SourceState();
        return metadata.LakeVersion is null or 0 && state.Files == metadata.SourceFiles && state.MaxWriteTicks == metadata.SourceMaxWriteTicks
            && state.TotalBytes == metadata.SourceTotalBytes
            ? folder
            : null;
    }

    /// <summary>
    /// The latest published rollup version — complete on disk, whatever batches landed since — with the lake version
    /// it includes; null when none is published (or its files are gone).
    /// </summary>
    public PublishedRollup? LatestPublishedRollup() =>
        PublishedRollupMetadata() is var (folder, metadata)
            ? new PublishedRollup(folder, metadata.LakeVersion ?? 0, metadata.DataThrough, metadata.BuiltAt)
            : null;

    private (string Folder, RollupMetadata Metadata)? PublishedRollupMetadata()
    {
        var pointer = Path.Combine(LakeRoot, RollupFolder, "CURRENT");
        if (!File.Exists(pointer))
        {
            return null;
        }

        RollupMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<RollupMetadata>(File.ReadAllText(pointer), WarehouseJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }

        var folder = metadata is null ? null : Path.Combine(LakeRoot, RollupFolder, metadata.Version);
        return folder is null || metadata!.Format != RollupFormat || !RollupTables.All(t => File.Exists(Path.Combine(folder, t + ".parquet")))
            ? null
            : (folder, metadata);
    }

    /// <summary>
    /// The rollup a read uses: none when <see cref="UseRollups"/> is off; the latest published one, pending batches or
    /// not, when <see cref="ServePublishedRollup"/> is on; else only a fresh one. Sets <see cref="LastRollupLakeVersion"/>.
    /// </summary>
    private string? RollupToRead()
    {
        LastRollupLakeVersion = null;
        if (!UseRollups)
        {
            return null;
        }

        var published = PublishedRollupMetadata();
        var folder = ServePublishedRollup ? published?.Folder : Fresh(published, ManifestLog.State(LakeRoot));
        if (folder is not null)
        {
            LastRollupLakeVersion = published!.Value.Metadata.LakeVersion ?? 0;
        }

        return folder;
    }

    /// <summary>
    /// Serve the latest published rollup even when batches landed after it (default false: only a fresh rollup is read,
    /// otherwise the raw views). The dashboard turns it on so a landed batch never sends a page to the raw path; the
    /// CLI turns it on after folding, so its answer is exactly the version it folded.
    /// </summary>
    public bool ServePublishedRollup { get; set; }

    /// <summary>The lake version of the rollup the last metrics, sweep, clusters or experiments call read; null when it read the raw views.</summary>
    public long? LastRollupLakeVersion { get; private set; }

    /// <summary>
    /// Folds every batch published since the current rollup into a new rollup version and publishes it; a no-op when the
    /// published rollup is fresh (unless <paramref name="rebuild"/>). With batches pending, the fold is incremental
    /// (<see cref="FoldIncrementally"/>: its cost follows the pending batches and the cases and days they touch) when the
    /// published version can be folded into; otherwise, and with <paramref name="rebuild"/>, the rollup is built from the
    /// whole lake. Folds are serialised per lake (<c>_rollups/.fold.lock</c>): a second fold waits, then finds the first's
    /// version fresh.
    /// </summary>
    /// <returns>The published rollup after the fold, and whether this call built it.</returns>
    public (PublishedRollup Rollup, bool Built) Fold(DateTimeOffset now, bool rebuild = false)
    {
        LastFold = FoldKind.None;
        LastRebuildReason = null;
        if (!rebuild && FreshRollup() is not null && LatestPublishedRollup() is { } fresh)
        {
            return (fresh, false);
        }

        using (AcquireFoldLock())
        {
            if (!rebuild && FreshRollup() is not null && LatestPublishedRollup() is { } folded)
            {
                return (folded, false);
            }

            if (rebuild || FoldIncrementally(now) is null)
            {
                LastRebuildReason ??= "--rebuild";
                BuildRollups(now);
                LastFold = FoldKind.Rebuild;
            }
            else
            {
                LastFold = FoldKind.Incremental;
            }
        }

        return (LatestPublishedRollup() ?? throw new InvalidOperationException("the rollup just published is not readable"), true);
    }

    /// <summary>The lake's version, the latest batch's publish time and how many batches the published rollup lacks.</summary>
    public LakeFreshness Freshness()
    {
        var lake = ManifestLog.State(LakeRoot);
        var published = LatestPublishedRollup();
        return new LakeFreshness(
            lake.Version,
            lake.DataThrough(),
            published?.LakeVersion,
            published is null ? null : lake.DataThrough(published.LakeVersion),
            published is null ? lake.Batches.Count : lake.PendingAfter(published.LakeVersion));
    }

    /// <summary>Count, newest write time and total size of every source file (record kinds and batch manifests).</summary>
    private (long Files, long MaxWriteTicks, long TotalBytes) SourceState()
    {
        long files = 0, maxTicks = 0, bytes = 0;
        // Quarantine counts too: the rollup stores the data-quality figures, quarantined records among them.
        foreach (var folder in SourceFolders.Append("_manifests"))
        {
            var path = Path.Combine(LakeRoot, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                files++;
                bytes += file.Length;
                maxTicks = Math.Max(maxTicks, file.LastWriteTimeUtc.Ticks);
            }
        }

        return (files, maxTicks, bytes);
    }

    private static void RemoveOldVersions(string root, string keep)
    {
        // The newest older version stays one round, for readers that resolved CURRENT just before the swap.
        var old = Directory.EnumerateDirectories(root, "v*")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != keep)
            .Order(StringComparer.Ordinal)
            .ToList();
        // A build that died (process killed, disk full) leaves its staging folder, spill files included; one untouched
        // for a day before the version just published was written (the file system's clock on both sides) is no build
        // in progress.
        var published = Directory.GetLastWriteTimeUtc(Path.Combine(root, keep));
        var abandoned = new DirectoryInfo(root).EnumerateDirectories(".staging-*")
            .Where(d => d.LastWriteTimeUtc < published.AddDays(-1))
            .Select(d => d.Name);
        foreach (var name in old.Take(Math.Max(0, old.Count - 1)))
        {
            // Pinned by a reader (any process): removed by a later fold, once no reader holds it.
            TryRemoveVersion(Path.Combine(root, name));
        }

        foreach (var name in abandoned)
        {
            try
            {
                Directory.Delete(Path.Combine(root, name), recursive: true);
            }
            catch (IOException)
            {
                // Being removed by another process: gone on a later run.
            }
        }
    }

    /// <summary>
    /// What a rollup version was built from: the lake version it includes (null in rollups written before versions,
    /// which are then stale on a versioned lake), the publish time of the latest batch in it, and the source file state
    /// (judges freshness only on a lake without manifests).
    /// </summary>
    internal sealed record RollupMetadata(
        string Version, DateTimeOffset BuiltAt, long SourceFiles, long SourceMaxWriteTicks, long SourceTotalBytes, long? LakeVersion = null, DateTimeOffset? DataThrough = null, int Format = 0);

    /// <summary>
    /// The rollup layout this code reads (5: case snapshot with experiment/variant, lake versions, the resolved tables
    /// an incremental fold merges into, the per-case tables' fold segments and masks, and the daily sweep, handling and
    /// signal-set tables). A published version
    /// of another format is never read (raw views until the next fold replaces it).
    /// </summary>
    internal const int RollupFormat = 5;
}

/// <summary>A published rollup version.</summary>
/// <param name="Folder">Its folder under <c>&lt;lake&gt;/_rollups/</c>.</param>
/// <param name="LakeVersion">The lake version its figures include (0: a lake without manifests).</param>
/// <param name="DataThrough">The publish time of the latest batch it includes; null when none.</param>
/// <param name="BuiltAt">When it was built.</param>
public sealed record PublishedRollup(string Folder, long LakeVersion, DateTimeOffset? DataThrough, DateTimeOffset BuiltAt);

/// <summary>How current the lake and its published rollup are.</summary>
/// <param name="LakeVersion">The lake's version (highest manifest; 0 without manifests).</param>
/// <param name="LakeDataThrough">The publish time of the lake's latest batch.</param>
/// <param name="RollupVersion">The lake version the published rollup includes; null when none is published.</param>
/// <param name="RollupDataThrough">The publish time of the latest batch the rollup includes.</param>
/// <param name="PendingBatches">Batches published after the rollup (all of them when none is published).</param>
public sealed record LakeFreshness(long LakeVersion, DateTimeOffset? LakeDataThrough, long? RollupVersion, DateTimeOffset? RollupDataThrough, int PendingBatches);
