using System.Text.Json;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Bench.Metrics;

/// <summary>
/// <c>overview --decisions N [--runs R] [--settings 1x0,2x0,3x0,1x1,3x1] [--week W]</c>: the overview answer over the fresh
/// rollup (<c>GetMetrics(filters, asOf, MetricsDetail.Overview)</c>) with each setting <c>CxT</c> —
/// <see cref="Warehouse.RollupConnections"/> C and <see cref="Warehouse.OverviewThreads"/> T (0: DuckDB's default) —
/// in the same process and interleaved round by round, so every setting sees the same machine load; the first setting
/// is the baseline of the ratios. Every setting's answer must equal the baseline's (checked on the cold run).
/// </summary>
internal static class OverviewBenchmark
{
    public static int Run(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var runs = BenchSupport.IntArg(args, "--runs", 15);
        var settings = (BenchSupport.Arg(args, "--settings") ?? "1x0,2x0,3x0,1x1,2x1,3x1").Split(',').ToArray();
        var week = BenchSupport.Arg(args, "--week");
        var filters = week is null ? MetricFilters.None : MetricFilters.None with { Weeks = [week] };
        var lake = SyntheticLake.Ensure(decisions);
        SyntheticLake.EnsureFreshRollups(lake);

        using var warehouse = Warehouse.Open(lake);
        var samples = settings.ToDictionary(s => s, _ => new List<Sample>());
        string? baseline = null;
        foreach (var setting in settings)
        {
            Apply(warehouse, setting);
            MetricsReport? report = null;
            var cold = Timing.Time(() => report = warehouse.GetMetrics(filters, SyntheticLake.AsOf, MetricsDetail.Overview));
            if (!warehouse.LastMetricsFromDailyRollup)
            {
                throw new InvalidOperationException("the overview did not read the daily rollups");
            }

            // Floating-point figures to 9 significant digits: one DuckDB thread sums in another order than two.
            var json = System.Text.RegularExpressions.Regex.Replace(JsonSerializer.Serialize(report), @"-?\d+\.\d+(E[-+]?\d+)?",
                m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture).ToString("G9", System.Globalization.CultureInfo.InvariantCulture));
            baseline ??= json;
            if (json != baseline)
            {
                throw new InvalidOperationException($"setting {setting} answered differently from {settings[0]}");
            }

            Console.WriteLine($"  cold, {setting}: {Timing.Ms(cold.WallMs)} ms (answer equal to the baseline's)");
        }

        for (var run = 0; run < runs; run++)
        {
            foreach (var setting in settings)
            {
                Apply(warehouse, setting);
                samples[setting].Add(Timing.Time(() => warehouse.GetMetrics(filters, SyntheticLake.AsOf, MetricsDetail.Overview)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"## overview over the rollup, {decisions:N0} decisions, {(week ?? "all weeks")} ({runs} interleaved runs; ms)");
        Console.WriteLine();
        Console.WriteLine("| connections × DuckDB threads | median | p90 | min | CPU median | median vs baseline |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var baseMedian = Timing.Median(samples[settings[0]].Select(s => s.WallMs));
        foreach (var setting in settings)
        {
            var wall = samples[setting].Select(s => s.WallMs).ToList();
            var median = Timing.Median(wall);
            Console.WriteLine($"| {setting} | {Timing.Ms(median)} | {Timing.Ms(Timing.Percentile(wall, 90))} | {Timing.Ms(wall.Min())} | "
                + $"{Timing.Ms(Timing.Median(samples[setting].Select(s => s.CpuMs)))} | {Timing.Ratio(median / baseMedian)} |");
        }

        return 0;
    }

    /// <summary>Applies a setting <c>CxT</c>: C rollup connections, T DuckDB threads for the overview (0: default).</summary>
    private static void Apply(Warehouse warehouse, string setting)
    {
        var parts = setting.Split('x');
        warehouse.RollupConnections = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        var threads = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        warehouse.OverviewThreads = threads > 0 ? threads : null;
    }
}
