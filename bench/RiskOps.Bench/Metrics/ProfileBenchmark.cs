using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Bench.Metrics;

/// <summary>
/// <c>profile --decisions N</c>: where an overview call's time goes over the fresh rollup. Runs the overview statements
/// (the direct path of <see cref="MetricsBenchmark"/>) on a plain DuckDB connection with DuckDB's JSON profiling on, and
/// prints per statement the latency, the planner share and the three slowest operators. <c>--threads N</c> sets DuckDB's threads.
/// </summary>
internal static class ProfileBenchmark
{
    public static int Run(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var runs = BenchSupport.IntArg(args, "--runs", 5);
        var lake = SyntheticLake.Ensure(decisions);
        SyntheticLake.EnsureFreshRollups(lake);
        string rollup, views;
        using (var warehouse = Warehouse.Open(lake))
        {
            rollup = warehouse.FreshRollup()!;
            views = warehouse.PrintViews();
        }

        var profile = Path.Combine(Path.GetTempPath(), $"riskops-profile-{Environment.ProcessId}.json");
        using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        MetricsBenchmark.Run(connection, "set TimeZone = 'UTC'");
        if (BenchSupport.IntArg(args, "--threads", 0) is > 0 and var threads)
        {
            MetricsBenchmark.Run(connection, $"set threads = {threads}");
        }

        MetricsBenchmark.Run(connection, views);
        MetricsBenchmark.Run(connection, MetricsBenchmark.RollupSetup(rollup));
        var statements = MetricsBenchmark.Statements(MetricFilters.None, SyntheticLake.AsOf, rollup)
            .Where(s => s.Query && s.Name is not ("resolution_quantiles" or "quality"))
            .ToList();
        MetricsBenchmark.Run(connection, "delete from scope_filter; insert into scope_filter select null, null, [], [], [], [], []");
        MetricsBenchmark.Run(connection, "set enable_profiling = 'json'; set profiling_mode = 'detailed'; set profiling_output = '" + profile + "'");
        Console.WriteLine($"## overview statements over the rollup, {decisions:N0} decisions (median of {runs}; ms)");
        Console.WriteLine();
        Console.WriteLine("| statement | latency | planner | slowest operators (ms, rows) |");
        Console.WriteLine("|---|---:|---:|---|");
        double total = 0;
        foreach (var (name, sql, _) in statements)
        {
            var samples = new List<(double Latency, double Planner, string Top)>();
            for (var i = 0; i < runs; i++)
            {
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = sql;
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                    }
                }

                var root = JsonNode.Parse(File.ReadAllText(profile))!;
                var operators = new List<(string Name, double Seconds, long Rows)>();
                Walk(root, operators);
                var top = string.Join("; ", operators.OrderByDescending(o => o.Seconds).Take(3)
                    .Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Name} {o.Seconds * 1000:F1} ({o.Rows:N0})")));
                samples.Add((Number(root, "latency") * 1000, (Number(root, "planner") + Number(root, "physical_planner")) * 1000, top));
            }

            var median = samples.OrderBy(s => s.Latency).ElementAt(samples.Count / 2);
            total += median.Latency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median.Latency:F1} | {median.Planner:F1} | {median.Top} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **sum** | {total:F1} | | |"));
        File.Delete(profile);
        return 0;
    }

    private static double Number(JsonNode node, string key) =>
        node[key] is JsonValue value && value.TryGetValue<double>(out var d) ? d : 0;

    private static void Walk(JsonNode node, List<(string, double, long)> operators)
    {
        foreach (var child in node["children"]?.AsArray() ?? [])
        {
            if (child is null)
            {
                continue;
            }

            var rows = child["operator_cardinality"] is JsonValue v && v.TryGetValue<long>(out var r) ? r : 0;
            operators.Add((child["operator_name"]?.ToString() ?? child["operator_type"]?.ToString() ?? "?", Number(child, "operator_timing"), rows));
            Walk(child, operators);
        }
    }
}
