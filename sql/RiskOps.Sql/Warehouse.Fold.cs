using System.Runtime.InteropServices;

namespace RiskOps.Sql;

/// <summary>What the last <see cref="Warehouse.Fold"/> did.</summary>
public enum FoldKind
{
    /// <summary>Nothing: the published rollup was fresh.</summary>
    None,

    /// <summary>Folded the pending batches into the published version (cost follows the batches and what they touch).</summary>
    Incremental,

    /// <summary>Built the rollup from the whole lake (<c>--rebuild</c>, or no version to fold into).</summary>
    Rebuild,
}

public sealed partial class Warehouse
{
    /// <summary>The resolved (latest-wins) tables a version keeps for the next fold, with each one's key column.</summary>
    private static readonly (string Kind, string Key)[] ResolvedKinds =
        [("decisions", "case_id"), ("labels", "case_id"), ("reviews", "review_id"), ("qa_audits", "audit_id")];

    /// <summary>The tables a version needs besides the readers' to be folded into.</summary>
    private static readonly string[] FoldTables =
        ["resolved_decisions", "resolved_labels", "resolved_reviews", "resolved_qa_audits", "quarantine_batches"];

    /// <summary>What the last <see cref="Fold"/> did.</summary>
    public FoldKind LastFold { get; private set; }

    /// <summary>Why the last <see cref="Fold"/> rebuilt instead of folding incrementally; null when it did not rebuild.</summary>
    public string? LastRebuildReason { get; private set; }

    /// <summary>The cases the last incremental fold recomputed (0 after a rebuild or no fold).</summary>
    public long LastFoldCases { get; private set; }

    /// <summary>The UTC scored dates whose daily rows the last incremental fold recomputed.</summary>
    public long LastFoldDays { get; private set; }

    /// <summary>
    /// Pending batches up to this share of the lake's bytes (or up to 16 MiB) are folded incrementally; more than that
    /// rebuilds (default 0.3: beyond it a rebuild reads about as much and is simpler).
    /// </summary>
    public double FoldRebuildShare
    {
        get => _foldRebuildShare;
        set => _foldRebuildShare = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a share between 0 and 1");
    }

    private double _foldRebuildShare = 0.3;

    /// <summary>Pending batches up to this size (default 16 MiB) are always folded incrementally, whatever their share of a small lake.</summary>
    public long FoldAlwaysBytes
    {
        get => _foldAlwaysBytes;
        set => _foldAlwaysBytes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a size in bytes");
    }

    private long _foldAlwaysBytes = 16L << 20;

    /// <summary>Test hook: called with each step's name during an incremental fold (a throw there is a crash mid-fold).</summary>
    internal Action<string>? FoldStep { get; set; }

    /// <summary>Wall milliseconds of each step of the last incremental fold, in order (for the bench and the job's log).</summary>
    public IReadOnlyList<(string Step, double Ms)> LastFoldTimings => _foldTimings;

    private readonly List<(string Step, double Ms)> _foldTimings = [];

    private System.Diagnostics.Stopwatch _foldWatch = new();

    private void Step(string name)
    {
        _foldTimings.Add((name, _foldWatch.Elapsed.TotalMilliseconds));
        _foldWatch.Restart();
        FoldStep?.Invoke(name);
    }

    /// <summary>
    /// Folds the batches published after the current version into a new version (docs/operations.md, "Incremental
    /// folding"). Under the lake lock (so no compaction swaps a file meanwhile and the lake version read is exactly what
    /// is copied) the pending batches' rows are copied from the files their manifests list — or, where compaction merged
    /// those, from the partition's compacted files filtered by batch id. Then, on the fold's own connection and without
    /// the lock: the previous version's resolved tables take the pending rows (latest wins per key, the views' own
    /// rules); the cases whose figures can change (fold_cases.sql) are re-derived by the unchanged <c>cases</c> view over
    /// the resolved rows of only those cases; the snapshots swap those cases' rows; the data-quality counts move by the
    /// difference those cases make; and the daily tables are recomputed for the scored dates of those cases (before and
    /// after). Untouched tables are hard-linked from the previous version. Null when the version cannot be folded into
    /// (none, another format, a lake without versions or listed files, too much pending): the caller rebuilds.
    /// </summary>
    private string? FoldIncrementally(DateTimeOffset now)
    {
        LastFoldCases = 0;
        LastFoldDays = 0;
        _foldTimings.Clear();
        _foldWatch = System.Diagnostics.Stopwatch.StartNew();
        if (PublishedRollupMetadata() is not var (oldFolder, old))
        {
            return Rebuild("no published rollup version of this format");
        }

        if (old.LakeVersion is not > 0)
        {
            return Rebuild("the published version predates lake versions");
        }

        if (!FoldTables.All(t => File.Exists(Path.Combine(oldFolder, t + ".parquet"))))
        {
            return Rebuild("the published version lacks the resolved tables a fold merges into");
        }

        var root = Path.Combine(LakeRoot, RollupFolder);
        var version = $"v{now.UtcTicks}-{Guid.NewGuid():N}";
        var staging = Path.Combine(root, $".staging-{version}");
        var work = Path.Combine(staging, ".fold");
        Directory.CreateDirectory(work);
        try
        {
            using var fold = new Warehouse(LakeRoot) { FoldRebuildShare = FoldRebuildShare, FoldAlwaysBytes = FoldAlwaysBytes };
            fold.Execute($"set temp_directory = '{Quote(Path.Combine(work, "spill"))}'");
            fold.Execute("set preserve_insertion_order = false");
            LakeState lake;
            using (AcquireLakeLock())
            {
                lake = ManifestLog.State(LakeRoot);
                var pending = lake.Batches.Where(b => b.LakeVersion > old.LakeVersion).ToList();
                if (fold.CopyPending(pending, work) is { } reason)
                {
                    return Rebuild(reason);
                }
            }

            Step("pending copied");
            fold.FoldInto(oldFolder, staging, work, Step);
            (LastFoldCases, LastFoldDays) = (fold.LastFoldCases, fold.LastFoldDays);
            Directory.Delete(work, recursive: true);
            Step("before publish");
            var state = SourceState();
            var metadata = new RollupMetadata(version, now.ToUniversalTime(), state.Files, state.MaxWriteTicks, state.TotalBytes, lake.Version, lake.DataThrough(), RollupFormat);
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

    private string? Rebuild(string reason)
    {
        LastRebuildReason = reason;
        return null;
    }

    /// <summary>
    /// Copies the rows of the <paramref name="pending"/> batches into <c>pending_&lt;kind&gt;.parquet</c> (and
    /// <c>pending_quarantine.parquet</c>) under <paramref name="work"/>, each through its raw view's own text so the
    /// columns and types are the raw views'. Reads only what the warehouse reads (listed, readable files). Else, when
    /// the batches cannot be located (a lake whose manifests list no files, a manifest gone) or weigh more than
    /// <see cref="FoldRebuildShare"/> of the lake: why the fold must rebuild instead; null when copied.
    /// </summary>
    private string? CopyPending(IReadOnlyList<LakeBatch> pending, string work)
    {
        var bound = FoldersWithFiles();
        if (bound.Lists is not { } lists)
        {
            return "the lake's manifests list no files";
        }

        // A replay or an erasure rewrites rows already folded (quarantine partitions, a user's rows everywhere): a fold
        // only adds deliveries, so those rebuild.
        if (pending.FirstOrDefault(b => b.Operation != "ingest") is { } rewrite)
        {
            return $"batch {rewrite.BatchId} has operation '{rewrite.Operation}' (it rewrites rows already folded)";
        }

        var files = new List<string>();
        foreach (var batch in pending)
        {
            if (ManifestLog.FilesOf(LakeRoot, batch.BatchId) is not { } listed)
            {
                return $"the manifest of batch {batch.BatchId} cannot be read";
            }

            files.AddRange(listed.Select(f => Path.GetFullPath(Path.Combine(LakeRoot, f))));
        }

        var lakeBytes = lists.Values.SelectMany(f => f).Sum(FileLength);
        var pendingBytes = files.Sum(FileLength);
        if (pendingBytes > FoldAlwaysBytes && pendingBytes > FoldRebuildShare * lakeBytes)
        {
            return $"the pending batches hold {pendingBytes:N0} of the lake's {lakeBytes:N0} bytes, more than the rebuild share {FoldRebuildShare:0.##}";
        }

        var batchIds = string.Join(", ", pending.Select(b => $"'{b.BatchId.Replace("'", "''", StringComparison.Ordinal)}'"));
        foreach (var (folder, view) in ResolvedKinds.Select(k => (k.Kind, "raw_" + k.Kind)).Append(("quarantine", "quarantine")))
        {
            var live = lists.TryGetValue(folder, out var l) ? l.ToHashSet(StringComparer.Ordinal) : [];
            var prefix = Path.Combine(LakeRoot, folder) + Path.DirectorySeparatorChar;
            var own = files.Where(f => f.StartsWith(prefix, StringComparison.Ordinal) && live.Contains(f)).Distinct().Order(StringComparer.Ordinal).ToList();
            // A listed file that is gone was merged by compaction: its rows are in the partition's compacted files.
            var merged = files.Where(f => f.StartsWith(prefix, StringComparison.Ordinal) && !File.Exists(f)).Select(Path.GetDirectoryName).ToHashSet(StringComparer.Ordinal);
            var compacted = live.Where(f => merged.Contains(Path.GetDirectoryName(f)) && Path.GetFileName(f).StartsWith(CompactedPrefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
            var reads = new List<string>();
            if (own.Count > 0)
            {
                reads.Add($"select * from {ReadFiles(own)}");
            }

            if (compacted.Count > 0)
            {
                reads.Add($"select * from {ReadFiles(compacted)} where batch_id in ({batchIds})");
            }

            var read = reads.Count == 0 ? "typed" : $"({string.Join(" union all by name ", reads)})";
            var sql = SqlScripts.Get(view).Replace("{{lake}}", Quote(LakeRoot), StringComparison.Ordinal)
                .Replace(BoundLake.Glob(LakeRoot, folder), read, StringComparison.Ordinal);
            Execute(sql);
            Copy($"select * from {view}", Path.Combine(work, $"pending_{folder}.parquet"));
        }

        return null;

        static long FileLength(string path)
        {
            try
            {
                return new FileInfo(path).Length;
            }
            catch (IOException)
            {
                return 0;
            }
        }

        static string ReadFiles(IEnumerable<string> paths) =>
            $"read_parquet([{string.Join(", ", paths.Select(p => "'" + Quote(p) + "'"))}], hive_partitioning = true, union_by_name = true)";
    }

    /// <summary>
    /// The fold proper, on this (the fold's own) connection: from the version in <paramref name="oldFolder"/> and the
    /// pending rows in <paramref name="work"/>, writes every table of the new version into <paramref name="staging"/>.
    /// </summary>
    private void FoldInto(string oldFolder, string staging, string work, Action<string> step)
    {
        string Old(string table) => RollupRelation(oldFolder, table);
        string New(string table) => RollupRelation(staging, table);

        // 1. The resolved tables take the pending rows: latest wins per key, by the views' own files (decisions.sql, ...)
        // over the previous resolved row of each delivered key and the delivered rows. Only those keys' rows are written
        // (a segment of the resolved table); the rest of the table is linked.
        foreach (var (kind, key) in ResolvedKinds)
        {
            var pending = $"read_parquet('{Quote(Path.Combine(work, $"pending_{kind}.parquet"))}')";
            Execute($"create or replace temp table fold_changed_{kind} as select distinct {key} from {pending} where {key} is not null");
            Execute($"create or replace temp table fold_prev_{kind} as select * from {Old("resolved_" + kind)} where {key} in (select {key} from fold_changed_{kind})");
            Execute($"create or replace temp view fold_old_{kind} as select * from {Old("resolved_" + kind)}");
            Execute($"""
                create or replace view raw_{kind} as
                select * from fold_prev_{kind}
                union all by name
                select * from {pending}
                """);
            Execute(SqlScripts.Get(kind));
            Execute($"create or replace temp table fold_upd_{kind} as select * from {kind}");
            if (ToLong(ReadRows($"select count(*) as n from fold_changed_{kind}")[0]["n"]) > 0)
            {
                WriteSegmented(oldFolder, staging, "resolved_" + kind, $"select {key} from fold_changed_{kind}", $"select * from fold_upd_{kind}");
            }
            else
            {
                LinkTable(oldFolder, staging, "resolved_" + kind);
            }

            Execute($"create or replace temp view fold_new_{kind} as select * from {New("resolved_" + kind)}");
            step($"resolved_{kind}");
        }

        var pendingQuarantine = $"read_parquet('{Quote(Path.Combine(work, "pending_quarantine.parquet"))}')";
        Copy($"""
            select * from {Old("quarantine_batches")} o
            where not exists (select 1 from {pendingQuarantine} p where p.batch_id is not distinct from o.batch_id)
            union all by name
            select batch_id, count(*)::bigint as records from {pendingQuarantine} group by batch_id
            """, Path.Combine(staging, "quarantine_batches.parquet"));
        step("resolved");

        // 2. The cases whose figures can change, and their snapshot rows derived anew by the unchanged views over the
        // resolved rows of only those cases.
        Execute($"create or replace temp table fold_cases as {SqlScripts.Get("fold_cases")}");
        Execute("delete from fold_cases where case_id is null");
        LastFoldCases = ToLong(ReadRows("select count(*) as n from fold_cases")[0]["n"]);
        step("fold cases");
        var snapshots = new[] { "cases", "case_audits", "case_reviews" };
        if (LastFoldCases == 0)
        {
            foreach (var table in snapshots.Concat(AggregateTables))
            {
                LinkTable(oldFolder, staging, table);
            }

            Copy(
                $"select * replace ((select coalesce(sum(records), 0)::bigint from {New("quarantine_batches")}) as quarantined_records) from {Old("data_quality")}",
                Path.Combine(staging, "data_quality.parquet"));
            return;
        }

        // The fold cases' resolved rows, read once from each new resolved table (the case views read them several times).
        Execute("create or replace temp table fold_case_decisions as select * from fold_new_decisions where case_id in (select case_id from fold_cases)");
        Execute("create or replace temp table fold_case_labels as select * from fold_new_labels where case_id in (select case_id from fold_cases)");
        Execute("create or replace temp table fold_case_reviews as select * from fold_new_reviews where case_id in (select case_id from fold_cases)");
        Execute("create or replace temp table fold_case_qa_audits as select * from fold_new_qa_audits where review_id in (select review_id from fold_case_reviews)");
        Execute("create or replace view decisions as select * from fold_case_decisions");
        Execute("create or replace view labels as select * from fold_case_labels");
        Execute("create or replace view reviews as select * from fold_case_reviews");
        Execute("create or replace view qa_audits as select * from fold_case_qa_audits");
        Execute(SqlScripts.Get("cases"));
        Execute(SqlScripts.Get("case_audits"));
        var fresh = Path.Combine(work, "cases_folded.parquet");
        var freshAudits = Path.Combine(work, "case_audits_folded.parquet");
        Copy("select * from cases", fresh);
        Execute($"create or replace temp view scope as select * from read_parquet('{Quote(fresh)}')");
        Copy(SqlScripts.Get("rollup_case_audits"), freshAudits);
        Copy(SqlScripts.Get("rollup_case_reviews"), Path.Combine(work, "case_reviews_folded.parquet"));
        step("cases derived");

        // The fold cases' rows before the fold (the daily tables subtract them) — read before the snapshots move on.
        Execute($"create or replace temp table fold_prev_cases as select * from {Old("cases")} where case_id in (select case_id from fold_cases)");
        Execute($"create or replace temp table fold_prev_case_audits as select * from {Old("case_audits")} where case_id in (select case_id from fold_cases)");
        Execute($"create or replace temp table fold_prev_case_reviews as select * from {Old("case_reviews")} where case_id in (select case_id from fold_cases)");
        foreach (var table in snapshots)
        {
            WriteSegmented(oldFolder, staging, table, "select case_id from fold_cases",
                $"select * from read_parquet('{Quote(Path.Combine(work, table + "_folded.parquet"))}')");
        }

        step("snapshots");

        // 3. Data quality: the previous counts moved by what the fold cases (and the audits they reach) change.
        Execute($"create or replace temp table fold_audit_candidates as {SqlScripts.Get("fold_audit_candidates")}");
        var before = ReadRows(SqlScripts.Get("fold_orphans").Replace("{{state}}", "old", StringComparison.Ordinal))[0];
        var after = ReadRows(SqlScripts.Get("fold_orphans").Replace("{{state}}", "new", StringComparison.Ordinal))[0];
        string Delta(string column) => $"({column} + {ToLong(after[column]) - ToLong(before[column])})::bigint as {column}";
        Copy(
            $"""
            select * replace (
                {Delta("orphan_labels")}, {Delta("orphan_reviews")}, {Delta("orphan_qa_audits")},
                (select coalesce(sum(records), 0)::bigint from {New("quarantine_batches")}) as quarantined_records)
            from {Old("data_quality")}
            """,
            Path.Combine(staging, "data_quality.parquet"));

        step("data quality");

        // 4. The daily tables move by the difference the fold cases make: their rows' aggregates now, minus their rows'
        // aggregates before, summed into the previous rows of the dates they touch (every aggregate is a count or a sum);
        // a group whose count falls to zero leaves. Cost follows the fold cases and their dates' aggregate rows.
        Execute($"""
            create or replace temp table fold_days as
            select distinct scored_date from fold_prev_cases
            union
            select distinct scored_date from read_parquet('{Quote(fresh)}')
            """);
        LastFoldDays = ToLong(ReadRows("select count(*) as n from fold_days")[0]["n"]);
        Execute("drop view if exists scope; drop view if exists scope_audits");
        var freshReviews = $"read_parquet('{Quote(Path.Combine(work, "case_reviews_folded.parquet"))}')";
        foreach (var (state, cases, audits, reviews) in new[]
        {
            ("prev", "fold_prev_cases", "fold_prev_case_audits", "fold_prev_case_reviews"),
            ("next", $"read_parquet('{Quote(fresh)}')", $"read_parquet('{Quote(freshAudits)}')", freshReviews),
        })
        {
            Execute($"create or replace temp view scope as select * from {cases}");
            Execute($"create or replace temp view scope_audits as select * from {audits}");
            Execute($"create or replace temp view review_source as select * from {reviews}");
            foreach (var table in AggregateTables)
            {
                Execute($"create or replace temp table fold_{state}_{table} as {SqlScripts.Get($"rollup_{table}")}");
            }
        }

        Execute("drop view if exists scope; drop view if exists scope_audits; drop view if exists review_source");
        foreach (var table in AggregateTables)
        {
            var columns = ReadRows($"describe select * from {Old(table)}")
                .Select(r => ((string)r["column_name"]!, (string)r["column_type"]!)).ToList();
            var keys = AggregateKeyColumns(table);
            var measures = columns.Where(c => !keys.Contains(c.Item1)).ToList();
            var keyList = string.Join(", ", keys.Select(k => $"\"{k}\""));
            var negated = string.Join(", ", measures.Select(m => $"-\"{m.Item1}\" as \"{m.Item1}\""));
            var sums = string.Join(", ", measures.Select(m => $"sum(\"{m.Item1}\")::{m.Item2} as \"{m.Item1}\""));
            Copy($"""
                select * from {Old(table)} o
                where not exists (select 1 from fold_days d where d.scored_date is not distinct from o.scored_date)
                union all by name
                select {keyList}, {sums}
                from (
                    select * from {Old(table)} o
                    where exists (select 1 from fold_days d where d.scored_date is not distinct from o.scored_date)
                    union all by name
                    select * from fold_next_{table}
                    union all by name
                    select {keyList}, {negated} from fold_prev_{table}
                )
                group by {keyList}
                having sum("{measures[0].Item1}") <> 0
                order by scored_date
                """, Path.Combine(staging, table + ".parquet"));
        }

        step("daily");
    }

    /// <summary>
    /// The columns of a daily rollup that are not counts or sums: the case dimensions and the table's own keys (each
    /// table's first other column counts the group's rows).
    /// </summary>
    private static HashSet<string> AggregateKeyColumns(string table)
    {
        var own = table switch
        {
            ResolutionTable => ["resolution_hours"],
            SweepTable => ["threshold", "label", "kb"],
            HandlingTable => ["vendor", "handling_hours"],
            SignalSetTable => ["label", "signals", "root_cause_type", "root_cause_code"],
            "daily_audits" => ["reviewer_org", "vendor", "reviewer_id", "review_week"],
            "daily_agreement" => ["final_reviewer_org", "final_vendor"],
            _ => CollapseKeys.TryGetValue(table, out var k) ? k : throw new InvalidOperationException($"no key columns for {table}"),
        };
        return new HashSet<string>(["scored_date", "week", "case_type", "model_version", "region", "review_vendors", .. own], StringComparer.Ordinal);
    }

    /// <summary>The pin on the rollup version this warehouse has bound (null when none).</summary>
    private FileStream? _rollupPin;

    /// <summary>
    /// Pins the version in <paramref name="folder"/>: its <c>rollup.json</c> opened shared (on Unix .NET takes a shared
    /// <c>flock</c>), so <see cref="TryRemoveVersion"/>'s exclusive open fails while any reader, in any process, holds
    /// it. Null when it cannot be pinned (the version is being removed: the read then meets the vanished-file retry).
    /// </summary>
    private static FileStream? PinRollup(string folder)
    {
        try
        {
            return new FileStream(Path.Combine(folder, "rollup.json"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes a version folder unless a reader pins it (see <see cref="PinRollup"/>); the exclusive open is held while
    /// the folder is deleted, so no reader pins it meanwhile. False when pinned or still open.
    /// </summary>
    private static bool TryRemoveVersion(string folder)
    {
        var metadata = Path.Combine(folder, "rollup.json");
        try
        {
            using (File.Exists(metadata) ? new FileStream(metadata, FileMode.Open, FileAccess.ReadWrite, FileShare.None) : null)
            {
                Directory.Delete(folder, recursive: true);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A hard link of an unchanged table into the new version (a copy where the file system has none).</summary>
    private static void Link(string source, string target)
    {
        if (!OperatingSystem.IsWindows() && HardLink(source, target) == 0)
        {
            return;
        }

        File.Copy(source, target, overwrite: true);
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int HardLink(string oldPath, string newPath);

    /// <summary>
    /// The lake lock the ETL's publishes and compaction's swaps hold (<c>&lt;lake&gt;/_journal/.lock</c>, an exclusively
    /// opened file the OS releases when its holder dies): held while a fold copies the pending batches.
    /// </summary>
    private IDisposable AcquireLakeLock() => AcquireFileLock(Path.Combine(LakeRoot, "_journal", ".lock"), TimeSpan.FromMinutes(10));

    /// <summary>The fold lock (<c>&lt;lake&gt;/_rollups/.fold.lock</c>): one fold or rebuild of a lake at a time.</summary>
    private IDisposable AcquireFoldLock() => AcquireFileLock(Path.Combine(LakeRoot, RollupFolder, ".fold.lock"), TimeSpan.FromMinutes(60));

    private static FileStream AcquireFileLock(string path, TimeSpan patience)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var started = Environment.TickCount64;
        var delay = 2;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Environment.TickCount64 - started > patience.TotalMilliseconds)
                {
                    throw new TimeoutException($"the lock {path} has been held for more than {patience.TotalMinutes:0} minutes", ex);
                }
            }

            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 100);
        }
    }
}
