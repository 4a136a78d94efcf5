using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RiskOps.Bench.Metrics;

/// <summary>One timed run: wall and process CPU milliseconds (DuckDB threads are in-process, so CPU includes them).</summary>
internal readonly record struct Sample(double WallMs, double CpuMs);

/// <summary>Timing helpers shared by the metrics, pages and report benchmarks.</summary>
internal static class Timing
{
    /// <summary>Times <paramref name="action"/> once.</summary>
    public static Sample Time(Action action)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        action();
        var wall = stopwatch.Elapsed.TotalMilliseconds;
        self.Refresh();
        return new Sample(wall, (self.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    /// <summary>Times <paramref name="action"/> <paramref name="runs"/> times.</summary>
    public static List<Sample> Repeat(int runs, Action action) => Enumerable.Range(0, runs).Select(_ => Time(action)).ToList();

    /// <summary>The nearest-rank percentile (p in 0..100) of <paramref name="values"/>.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    /// <summary>Saves a benchmark's figures as JSON under the cache root (read back to compare sizes).</summary>
    public static void Save(string benchmark, int decisions, Dictionary<string, double> figures)
    {
        var dir = Path.Combine(SyntheticLake.CacheRoot, "results");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"{benchmark}-{decisions}.json"), JsonSerializer.Serialize(figures));
    }

    /// <summary>Every saved result of <paramref name="benchmark"/>, by decision count.</summary>
    public static SortedDictionary<int, Dictionary<string, double>> Load(string benchmark)
    {
        var results = new SortedDictionary<int, Dictionary<string, double>>();
        var dir = Path.Combine(SyntheticLake.CacheRoot, "results");
        if (!Directory.Exists(dir))
        {
            return results;
        }

        foreach (var file in Directory.GetFiles(dir, $"{benchmark}-*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(file)[(benchmark.Length + 1)..];
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(file)) is { } figures)
            {
                results[n] = figures;
            }
        }

        return results;
    }

    /// <summary>Prints how each saved figure grows with the decision count, relative to the smallest lake measured.</summary>
    public static void PrintGrowth(string benchmark, IReadOnlyList<string> keys)
    {
        var results = Load(benchmark);
        if (results.Count < 2)
        {
            Console.WriteLine($"(growth table: run `{benchmark}` at a second size to compare; results saved under {Path.Combine(SyntheticLake.CacheRoot, "results")})");
            return;
        }

        var baseline = results.First();
        Console.WriteLine();
        Console.WriteLine($"Growth with size (saved {benchmark} results; × = relative to {baseline.Key:N0} decisions):");
        Console.WriteLine();
        Console.WriteLine("| figure (ms) | " + string.Join(" | ", results.Keys.Select(k => k.ToString("N0", CultureInfo.InvariantCulture))) + " |");
        Console.WriteLine("|---|" + string.Concat(results.Keys.Select(_ => "---:|")));
        foreach (var key in keys)
        {
            var cells = results.Select(r => r.Value.TryGetValue(key, out var v)
                ? Ms(v) + (baseline.Value.TryGetValue(key, out var b) && b > 0 && r.Key != baseline.Key ? $" ({Ratio(v / b)})" : string.Empty)
                : "—");
            Console.WriteLine($"| {key} | {string.Join(" | ", cells)} |");
        }
    }
}
