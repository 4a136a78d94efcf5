using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Bench.Metrics;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Bench.Fold;

/// <summary>
/// <c>fold --decisions N [--batches B] [--batch-decisions R] [--keep]</c>: the incremental fold against a rebuild on the
/// same lake, in one run. The synthetic lake (cached, <see cref="SyntheticLake"/>) is hard-linked into a work folder and
/// given one manifest listing every file (lake version 1, as an ETL-written lake has); a rebuild is timed (the
/// baseline); then B batches land one after another, each a manifest-listed set of DuckDB-written files — R new
/// decisions with labels for half of them, R/10 re-labels of old cases (weeks back, flipping TP/FP), R/20 QA audits of
/// old reviews and R/20 reviews re-delivered resolved — and each is folded (timed). A final rebuild is timed again and its
/// figures compared with the last fold's (every overall figure, case type by case type).
/// </summary>
internal static class FoldBenchmark
{
    private static readonly DateTimeOffset Landed = SyntheticLake.AsOf.AddHours(-12);

    public static int Run(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var batches = BenchSupport.IntArg(args, "--batches", 5);
        var batchDecisions = BenchSupport.IntArg(args, "--batch-decisions", 2_000);
        var source = SyntheticLake.Ensure(decisions);
        var lake = Path.Combine(SyntheticLake.CacheRoot, $"fold-work-{decisions}");
        if (Directory.Exists(lake))
        {
            Directory.Delete(lake, recursive: true);
        }

        Directory.CreateDirectory(lake);
        foreach (var kind in new[] { "decisions", "reviews", "labels", "qa_audits", "sop_coverage" })
        {
            HardLinkTree(Path.Combine(source, kind), Path.Combine(lake, kind));
        }

        try
        {
            Manifest(lake, "bench-base", 1, Directory.EnumerateFiles(lake, "*.parquet", SearchOption.AllDirectories).Select(f => Rel(lake, f)).ToList());
            using var warehouse = Warehouse.Open(lake);
            var rebuild = Timing.Time(() => warehouse.Fold(Landed, rebuild: true));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rebuild (baseline): {rebuild.WallMs / 1000:F1} s wall, {rebuild.CpuMs / 1000:F1} s CPU"));
            var folds = new List<(Sample Time, long Cases, long Days, FoldKind Kind)>();
            for (var b = 1; b <= batches; b++)
            {
                var files = WriteBatch(lake, b, batchDecisions);
                Manifest(lake, $"bench-fold-{b}", b + 1, files);
                var sample = Timing.Time(() => warehouse.Fold(Landed.AddMinutes(b)));
                folds.Add((sample, warehouse.LastFoldCases, warehouse.LastFoldDays, warehouse.LastFold));
                Console.WriteLine("  steps: " + string.Join(", ", warehouse.LastFoldTimings.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Step} {t.Ms / 1000:F2} s"))));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fold {b}: {warehouse.LastFold}{(warehouse.LastRebuildReason is { } r ? " (" + r + ")" : "")}, {warehouse.LastFoldCases:N0} cases on {warehouse.LastFoldDays} days, {sample.WallMs / 1000:F2} s wall, {sample.CpuMs / 1000:F2} s CPU"));
            }

            warehouse.ServePublishedRollup = true;
            var folded = warehouse.GetMetrics(MetricFilters.None, SyntheticLake.AsOf);
            var final = Timing.Time(() => warehouse.Fold(Landed.AddHours(1), rebuild: true));
            var rebuilt = warehouse.GetMetrics(MetricFilters.None, SyntheticLake.AsOf);
            var same = Same(folded.Overall, rebuilt.Overall) && folded.ByCaseType.Count == rebuilt.ByCaseType.Count
                && folded.ByCaseType.Zip(rebuilt.ByCaseType).All(p => Same(p.First, p.Second));
            var median = Timing.Median(folds.Select(f => f.Time.WallMs));
            var medianCpu = Timing.Median(folds.Select(f => f.Time.CpuMs));
            Console.WriteLine();
            Console.WriteLine($"| {decisions:N0} decisions | wall | CPU | vs rebuild (wall) |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine($"| rebuild before the batches | {rebuild.WallMs / 1000:F1} s | {rebuild.CpuMs / 1000:F1} s | 1.00× |");
            Console.WriteLine($"| incremental fold of one batch ({batchDecisions:N0} new decisions + late records), median of {folds.Count} | {median / 1000:F2} s | {medianCpu / 1000:F2} s | {Timing.Ratio(median / rebuild.WallMs)} |");
            Console.WriteLine($"| rebuild after the batches | {final.WallMs / 1000:F1} s | {final.CpuMs / 1000:F1} s | {Timing.Ratio(final.WallMs / rebuild.WallMs)} |");
            Console.WriteLine($"folds incremental: {folds.Count(f => f.Kind == FoldKind.Incremental)} of {folds.Count}; folded figures equal the rebuild's: {same}");
            Timing.Save("fold", decisions, new Dictionary<string, double>
            {
                ["rebuild_ms"] = rebuild.WallMs,
                ["fold_median_ms"] = median,
                ["fold_median_cpu_ms"] = medianCpu,
                ["rebuild_after_ms"] = final.WallMs,
                ["same"] = same ? 1 : 0,
            });
            return same && folds.All(f => f.Kind == FoldKind.Incremental) ? 0 : 1;
        }
        finally
        {
            if (!BenchSupport.Flag(args, "--keep"))
            {
                BenchSupport.TryDelete(lake);
            }
        }
    }

    /// <summary>
    /// Writes batch <paramref name="b"/>'s files with DuckDB (rows derived from the lake's own rows, so every column and
    /// type is the lake's), each kind into its <c>dt=</c> partition of the landing day; returns them lake-relative.
    /// </summary>
    private static List<string> WriteBatch(string lake, int b, int n)
    {
        var dt = Landed.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var at = $"timestamptz '{Landed.AddMinutes(b):yyyy-MM-dd HH:mm:ss}+00'";
        var batch = $"bench-fold-{b}";
        using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        Execute(connection, "set TimeZone = 'UTC'");
        string Read(string kind, int partition)
        {
            var partitions = Directory.GetDirectories(Path.Combine(lake, kind)).Order(StringComparer.Ordinal).ToArray();
            var folder = partitions[(partition + b) % partitions.Length];
            return $"read_parquet('{folder.Replace("'", "''", StringComparison.Ordinal)}/*.parquet')";
        }

        var files = new List<string>();
        void Write(string kind, string select)
        {
            var folder = Path.Combine(lake, kind, "dt=" + dt);
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"part-{batch}.parquet");
            Execute(connection, $"copy ({select}) to '{file.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)");
            files.Add(Rel(lake, file));
        }

        var lineage = $"'{batch}' as batch_id, {at} as ingested_at";
        // New cases: the decisions of n cases that have a label in one labels partition (so half of them get that label too).
        var glob = Path.Combine(lake, "decisions").Replace("'", "''", StringComparison.Ordinal) + "/*/*.parquet";
        Execute(connection, $"create temp table new_cases as select case_id from {Read("labels", 3)} limit {n}");
        Write("decisions", $"select * exclude (dt) replace ('{batch}-' || case_id as case_id, {at} - interval 2 hour as scored_at, {lineage}) from read_parquet('{glob}') where case_id in (select case_id from new_cases)");
        Write("labels", $"""
            select * exclude (dt) replace (case_id as case_id, {at} as labeled_at, {lineage}) from (
                (select * replace ('{batch}-' || case_id as case_id) from {Read("labels", 3)} where case_id in (select case_id from new_cases) limit {n / 2})
                union all by name
                (select * replace (case when label = 'TP' then 'FP' when label = 'FP' then 'TP' else label end as label,
                    case when label = 'TP' then 'B' else root_cause_type end as root_cause_type)
                from {Read("labels", 17)} limit {Math.Max(1, n / 10)}))
            """);
        Write("qa_audits", $"select * exclude (dt) replace ('{batch}-' || audit_id as audit_id, {at} as audited_at, {lineage}) from {Read("qa_audits", 23)} limit {Math.Max(1, n / 20)}");
        Write("reviews", $"select * exclude (dt) replace ({at} - interval 1 hour as assigned_at, {at} as resolved_at, 'block' as decision, {lineage}) from {Read("reviews", 29)} where resolved_at is not null limit {Math.Max(1, n / 20)}");
        return files;
    }

    /// <summary>Counts equal, ratios to 1e-9 (sums taken in another order differ in the last bits).</summary>
    private static bool Same(MetricSet a, MetricSet b)
    {
        long[] countsA = [a.Decisions, a.LabeledCases, a.Tp, a.Fp, a.Tn, a.Fn, a.ManualCases, a.ResolvedCases, a.OpenCases, a.QaAudits, a.KeyUserCases];
        long[] countsB = [b.Decisions, b.LabeledCases, b.Tp, b.Fp, b.Tn, b.Fn, b.ManualCases, b.ResolvedCases, b.OpenCases, b.QaAudits, b.KeyUserCases];
        double?[] ratiosA = [a.Precision, a.Recall, a.Accuracy, a.SlaCompliance, a.ResolutionHoursP50, a.ResolutionHoursP90, a.DecisionAccuracy, a.Kappa, a.AutomationRate];
        double?[] ratiosB = [b.Precision, b.Recall, b.Accuracy, b.SlaCompliance, b.ResolutionHoursP50, b.ResolutionHoursP90, b.DecisionAccuracy, b.Kappa, b.AutomationRate];
        return countsA.SequenceEqual(countsB)
            && ratiosA.Zip(ratiosB).All(p => p.First is null ? p.Second is null : p.Second is { } y && Math.Abs(p.First.Value - y) < 1e-9);
    }

    private static void Manifest(string lake, string batch, long version, IReadOnlyList<string> files)
    {
        var folder = Path.Combine(lake, "_manifests");
        Directory.CreateDirectory(folder);
        var at = Landed.AddMinutes(version);
        File.WriteAllText(Path.Combine(folder, batch + ".json"), JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["batch_id"] = batch, ["kind"] = "decisions", ["source"] = "bench", ["ingested_at"] = at, ["files"] = files,
            ["quarantine_files"] = Array.Empty<string>(), ["lake_version"] = version, ["published_at"] = at,
        }));
    }

    private static string Rel(string lake, string file) => Path.GetRelativePath(lake, file).Replace('\\', '/');

    private static void HardLinkTree(string from, string to)
    {
        using var process = Process.Start(new ProcessStartInfo("cp", ["-al", from, to]) { UseShellExecute = false })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"cp -al {from} {to} failed ({process.ExitCode})");
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
