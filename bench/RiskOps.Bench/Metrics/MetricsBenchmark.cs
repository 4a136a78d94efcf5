using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Bench.Metrics;

/// <summary>
/// <c>metrics --decisions N [--runs R]</c>: the overview metrics over a synthetic lake of N decisions (cached, see
/// <see cref="SyntheticLake"/>): (a) through the project (<c>Warehouse.GetMetrics</c> over the raw views), (b) the same
/// statements on a plain DuckDB.NET connection (views from <c>PrintViews</c>, metric SQL with the parameters inlined,
/// no project code in the timed loop) → ratio, (c) <c>GetMetrics</c> reading a fresh rollup. Median of R runs (default 3)
/// after one cold run; wall and process CPU.
/// </summary>
internal static partial class MetricsBenchmark
{
    private static readonly MetricFilters OneWeek = new() { Weeks = [SyntheticLake.LastWeek] };

    public static Task<int> RunAsync(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var runs = BenchSupport.IntArg(args, "--runs", 3);
        // --all-only skips the one-week filter (halves the time on a big lake); with --runs 1 the cold run is the only run.
        var allOnly = BenchSupport.Flag(args, "--all-only");
        // --raw-week-only: the raw paths (a) and (b) only for one week (all weeks of a 100 M lake exceed this machine).
        var rawWeekOnly = BenchSupport.Flag(args, "--raw-week-only");
        // --reuse-rollup: see (c). --rollup-only skips (a) and (b) over the raw views (at 100 M one raw GetMetrics costs ~20 CPU-minutes here).
        var rollupOnly = BenchSupport.Flag(args, "--rollup-only");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"metrics benchmark: {decisions:N0} decisions, {runs} runs per measurement (median), {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        var lake = SyntheticLake.Ensure(decisions);
        Console.WriteLine(SyntheticLake.Describe(lake));
        var asOf = SyntheticLake.AsOf;
        var figures = new Dictionary<string, double>();
        var rows = new List<string>();

        void Row(string name, Sample cold, List<Sample> warm, string key)
        {
            var wall = Timing.Median(warm.Select(s => s.WallMs));
            var cpu = Timing.Median(warm.Select(s => s.CpuMs));
            figures[key] = wall;
            figures[key + "_cpu"] = cpu;
            rows.Add($"| {name} | {Timing.Ms(cold.WallMs)} | {Timing.Ms(wall)} | {Timing.Ms(warm.Min(s => s.WallMs))} – {Timing.Ms(warm.Max(s => s.WallMs))} | {Timing.Ms(cpu)} |");
            Console.WriteLine($"  {name}: median {Timing.Ms(wall)} ms (cold {Timing.Ms(cold.WallMs)} ms, CPU {Timing.Ms(cpu)} ms)");
        }

        // (a) the project, raw views.
        using (var warehouse = Warehouse.Open(lake))
        {

            warehouse.UseRollups = false;
            foreach (var (label, filters, key) in rollupOnly ? [] : Cases("project", allOnly, rawWeekOnly))
            {
                MetricsReport? report = null;
                var cold = Timing.Time(() => report = warehouse.GetMetrics(filters, asOf));
                var warm = runs <= 1 ? [cold] : Timing.Repeat(runs, () => warehouse.GetMetrics(filters, asOf));
                if (warehouse.LastScopeFromRollup)
                {
                    throw new InvalidOperationException("expected the raw views, got the rollup");
                }

                Row($"(a) project GetMetrics, raw views, {label}", cold, warm, key);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"      overall: {report!.Overall.Decisions:N0} decisions, precision {report.Overall.Precision:0.0000}, recall {report.Overall.Recall:0.0000}, SLA {report.Overall.SlaCompliance:0.0000}, weeks {report.ByWeek.Count}"));
            }
        }

        // (b) the same SQL on a plain DuckDB connection.
        string views;
        using (var warehouse = Warehouse.Open(lake))
        {
            views = warehouse.PrintViews();
        }

        var breakdown = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using (var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false"))
        {
            connection.Open();
            Run(connection, "set TimeZone = 'UTC'");
            Run(connection, "set parquet_metadata_cache = true");
            Run(connection, views);
            foreach (var (label, filters, key) in rollupOnly ? [] : Cases("direct", allOnly, rawWeekOnly))
            {
                var statements = Statements(filters, asOf, rollup: null);
                var cold = Timing.Time(() => RunAll(connection, statements, runs <= 1 && key == "direct_all" ? breakdown : null));
                var warm = runs <= 1 ? [cold] : Timing.Repeat(runs, () => RunAll(connection, statements, key == "direct_all" ? breakdown : null));
                Row($"(b) direct DuckDB, same SQL, {label}", cold, warm, key);
            }
        }

        // (c) rollups: build once, then GetMetrics reads the fresh snapshot.
        // --reuse-rollup keeps a fresh rollup (built by `lake --rollups`, which prints its build time) instead of timing a new build.
        var reuse = BenchSupport.Flag(args, "--reuse-rollup");
        var buckets = 0;
        var rollupBuild = Timing.Time(() =>
        {
            using var warehouse = Warehouse.Open(lake);
            if (!reuse || warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(asOf);
                buckets = warehouse.LastRollupBuckets;
            }
        });
        if (rollupBuild.WallMs > 1000 || !reuse)
        {
            figures["rollup_build"] = rollupBuild.WallMs;
            figures["rollup_build_cpu"] = rollupBuild.CpuMs;
        }
        Console.WriteLine($"  rollup build: {Timing.Ms(rollupBuild.WallMs)} ms wall, {Timing.Ms(rollupBuild.CpuMs)} ms CPU, {buckets} bucket(s) (0 = reused)");
        string rollupFolder;
        using (var warehouse = Warehouse.Open(lake))
        {
            // --overview-threads N: Warehouse.OverviewThreads for the overview rows (default: the Warehouse default).
            if (BenchSupport.IntArg(args, "--overview-threads", 0) is > 0 and var overviewThreads)
            {
                warehouse.OverviewThreads = overviewThreads;
            }

            rollupFolder = warehouse.FreshRollup() ?? throw new InvalidOperationException("the rollup just built is not fresh");
            foreach (var (label, filters, key) in Cases("rollup", allOnly))
            {
                var cold = Timing.Time(() => warehouse.GetMetrics(filters, asOf));
                var warm = runs <= 1 ? [cold] : Timing.Repeat(runs, () => warehouse.GetMetrics(filters, asOf));
                if (!warehouse.LastMetricsFromDailyRollup)
                {
                    throw new InvalidOperationException("expected the daily rollups, got per-case data");
                }

                Row($"(c) project GetMetrics, fresh rollup, {label}", cold, warm, key);
                var overviewCold = Timing.Time(() => warehouse.GetMetrics(filters, asOf, MetricsDetail.Overview));
                var overviewWarm = runs <= 1 ? [overviewCold] : Timing.Repeat(runs, () => warehouse.GetMetrics(filters, asOf, MetricsDetail.Overview));
                Row($"(c) project GetMetrics(Overview: all but p50/p90), fresh rollup, {label}", overviewCold, overviewWarm, key + "_overview");
            }

            // A vendor-scoped call (the SLA page's per-vendor rows, a vendor manager's pack) also reads only rollups.
            var vendor = new MetricFilters { Vendors = [SyntheticLake.FirstVendor] };
            var vendorCold = Timing.Time(() => warehouse.GetMetrics(vendor, asOf));
            var vendorWarm = runs <= 1 ? [vendorCold] : Timing.Repeat(runs, () => warehouse.GetMetrics(vendor, asOf));
            Row($"(c) project GetMetrics, fresh rollup, vendor {SyntheticLake.FirstVendor}", vendorCold, vendorWarm, "rollup_vendor");
        }

        var rollupBreakdown = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using (var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false"))
        {
            connection.Open();
            Run(connection, "set TimeZone = 'UTC'");
            Run(connection, "set parquet_metadata_cache = true");
            Run(connection, views);
            Run(connection, RollupSetup(rollupFolder));
            var statements = Statements(MetricFilters.None, asOf, rollupFolder);
            if (runs > 1)
            {
                RunAll(connection, statements, null);
            }

            var warm = Timing.Repeat(Math.Max(1, runs), () => RunAll(connection, statements, rollupBreakdown));
            figures["direct_rollup_all"] = Timing.Median(warm.Select(s => s.WallMs));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## metrics, {decisions:N0} decisions (as of {asOf:yyyy-MM-dd'T'HH:mm'Z'}; one week = {SyntheticLake.LastWeek})"));
        Console.WriteLine();
        Console.WriteLine("| measurement | cold ms | median ms | range ms | median CPU ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| rollup build (`BuildRollups`, once) | | {Timing.Ms(rollupBuild.WallMs)} | | {Timing.Ms(rollupBuild.CpuMs)} |"));
        Console.WriteLine();
        Console.WriteLine("| ratio | value | goal |");
        Console.WriteLine("|---|---:|---|");
        string Of(string key) => figures.TryGetValue(key, out var v) ? Timing.Ms(v) + " ms" : "—";
        string RatioOf(string a, string b) => figures.TryGetValue(a, out var x) && figures.TryGetValue(b, out var y) ? Timing.Ratio(x / y) : "—";
        Console.WriteLine($"| project / direct, all weeks (wall) | {RatioOf("project_all", "direct_all")} | ≤ 1.2× |");
        Console.WriteLine($"| project / direct, all weeks (CPU) | {RatioOf("project_all_cpu", "direct_all_cpu")} | ≤ 1.2× |");
        Console.WriteLine($"| project / direct, one week (wall) | {RatioOf("project_week", "direct_week")} | ≤ 1.2× |");
        Console.WriteLine($"| project / direct, one week (CPU) | {RatioOf("project_week_cpu", "direct_week_cpu")} | ≤ 1.2× |");
        Console.WriteLine($"| raw / rollup, all weeks | {RatioOf("project_all", "rollup_all")} | |");
        Console.WriteLine($"| project / direct over the rollup, all weeks (wall) | {RatioOf("rollup_all", "direct_rollup_all")} | ≤ 1.2× |");
        Console.WriteLine($"| rollup GetMetrics, all weeks | {Of("rollup_all")} | ≤ 100 ms |");
        Console.WriteLine($"| rollup GetMetrics, one week | {Of("rollup_week")} | ≤ 100 ms |");
        Console.WriteLine($"| rollup GetMetrics Overview, all weeks | {Of("rollup_all_overview")} | ≤ 100 ms |");
        Console.WriteLine($"| rollup GetMetrics Overview, one week | {Of("rollup_week_overview")} | ≤ 100 ms |");

        Console.WriteLine();
        Console.WriteLine("Where the time goes (direct DuckDB, all weeks, median ms per statement; raw views vs fresh rollup):");
        Console.WriteLine();
        Console.WriteLine("| statement | raw views | rollup |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var name in breakdown.Keys.Concat(rollupBreakdown.Keys).Distinct(StringComparer.Ordinal))
        {
            var raw = breakdown.TryGetValue(name, out var b) ? Timing.Median(b) : double.NaN;
            var rolled = rollupBreakdown.TryGetValue(name, out var r) ? Timing.Median(r) : double.NaN;
            Console.WriteLine($"| {name} | {Timing.Ms(raw)} | {Timing.Ms(rolled)} |");
        }

        Timing.Save("metrics", decisions, figures);
        Timing.PrintGrowth("metrics", ["project_all", "project_week", "direct_all", "direct_week", "rollup_all", "rollup_week", "rollup_all_overview", "rollup_week_overview", "rollup_vendor", "rollup_build", "project_all_cpu"]);
        return Task.FromResult(0);
    }

    private static (string Label, MetricFilters Filters, string Key)[] Cases(string prefix, bool allOnly, bool weekOnly = false) =>
        weekOnly ? [("one week", OneWeek, prefix + "_week")]
        : allOnly ? [("all weeks", MetricFilters.None, prefix + "_all")]
        : [("all weeks", MetricFilters.None, prefix + "_all"), ("one week", OneWeek, prefix + "_week")];

    /// <summary>
    /// The statements <c>Warehouse.GetMetrics</c> runs (WithScope + BuildReport), in order, with the parameters inlined as
    /// SQL literals. Named for the breakdown.
    /// </summary>
    internal static List<(string Name, string Sql, bool Query)> Statements(MetricFilters filters, DateTimeOffset asOf, string? rollup)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["from"] = filters.From is { } from ? $"('{from:yyyy-MM-dd}')" : "(null::varchar)",
            ["to"] = filters.To is { } to ? $"('{to:yyyy-MM-dd}')" : "(null::varchar)",
            ["weeks"] = List(filters.Weeks),
            ["case_types"] = List(filters.CaseTypes),
            ["model_versions"] = List(filters.ModelVersions),
            ["regions"] = List(filters.Regions),
            ["vendors"] = List(filters.Vendors),
            ["as_of_us"] = ((asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture),
        };
        string Inline(string name) => Parameter().Replace(SqlScripts.Get(name), m => values[m.Groups[1].Value]);
        string Source(string table) => $"read_parquet('{Path.Combine(rollup!, table + ".parquet").Replace('\\', '/')}')";

        var list = new List<(string, string, bool)>();
        if (rollup is null)
        {
            list.Add(("case_source + audit_source", "create or replace temp view case_source as select * from cases; create or replace temp view audit_source as select * from case_audits; create or replace temp view scope_sop_coverage as select * from sop_coverage", false));
            list.Add(("scope (temp table)", $"create or replace temp table scope as {Inline("scope")}", false));
            list.Add(("scope_audits (temp table)", $"create or replace temp table scope_audits as {Inline("scope_audits")}", false));
            foreach (var table in Warehouse.AggregateTables)
            {
                list.Add(($"scope_{table} (aggregated)", $"create or replace temp table scope_{table} as {Inline($"rollup_{table}")}", false));
            }

            list.Add(($"{Warehouse.OpenHours} (derived)", $"create or replace temp table {Warehouse.OpenHours} as {Warehouse.OpenHoursOf("scope_daily_open")}", false));
        }
        else
        {
            list.Add(("scope_filter", $"delete from scope_filter; {Inline("scope_filter")}", false));
        }

        foreach (var name in new[] { "confusion", "resolution", "resolution_quantiles", "decision_accuracy", "reviewer_agreement", "key_user_escalation", "calibration_error", "sop_coverage_by_case_type", "quality", "reliability", "sop_gaps" })
        {
            list.Add((name, Inline(name), true));
        }

        list.Add(("data_quality", rollup is null ? Inline("data_quality") : $"select * from {Source("data_quality")}", true));
        if (rollup is null)
        {
            list.Add(("drop scope", string.Concat(Warehouse.AggregateTables.Select(t => $"drop table if exists scope_{t};")) + $"drop table if exists {Warehouse.OpenHours};"
                + "drop table if exists scope_audits; drop table if exists scope; drop view if exists case_source; drop view if exists audit_source; drop view if exists scope_sop_coverage", false));
        }

        return list;
    }

    /// <summary>
    /// What the Warehouse does once per rollup version before the per-call statements: the small daily rollups copied
    /// into memory, the one-row filter table and the filtered scope views.
    /// </summary>
    internal static string RollupSetup(string rollup)
    {
        var text = new System.Text.StringBuilder(SqlScripts.Get("scope_filter_table")).Append(";\n");
        foreach (var statement in Warehouse.AggregateTables.SelectMany(t => Warehouse.RollupBinding(rollup, t)))
        {
            text.Append(statement).Append(";\n");
        }

        // The SOP catalogue, copied into memory per rollup version like the daily tables.
        text.Append("create or replace table rollup_scope_sop_coverage as select * from sop_coverage;\n");
        text.Append("create or replace temp view scope_sop_coverage as select * from rollup_scope_sop_coverage;\n");
        return text.ToString();
    }

    private static string List(IReadOnlyList<string> items) =>
        "([" + string.Join(", ", items.Select(i => "'" + i.Replace("'", "''", StringComparison.Ordinal) + "'")) + "]::varchar[])";

    private static void RunAll(DuckDBConnection connection, List<(string Name, string Sql, bool Query)> statements, Dictionary<string, List<double>>? breakdown)
    {
        foreach (var (name, sql, query) in statements)
        {
            var sample = Timing.Time(() =>
            {
                if (query)
                {
                    Drain(connection, sql);
                }
                else
                {
                    Run(connection, sql);
                }
            });
            if (breakdown is not null)
            {
                if (!breakdown.TryGetValue(name, out var times))
                {
                    breakdown[name] = times = [];
                }

                times.Add(sample.WallMs);
            }
        }
    }

    internal static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Drain(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            // Read every value, as the Warehouse does when it maps rows.
            reader.GetValues(values);
        }
    }

    /// <summary>The 1-minute load average (Linux), to show how shared the machine was.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    [GeneratedRegex(@"\$([a-z_]+)")]
    private static partial Regex Parameter();
}
