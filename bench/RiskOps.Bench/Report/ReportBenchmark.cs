using System.Globalization;
using RiskOps.Bench.Metrics;
using RiskOps.Reports.Pdf;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Bench.Report;

/// <summary>
/// <c>report --decisions N [--runs R] [--week YYYY-Www] [--raw]</c>: time and size of a weekly calibration pack over the
/// synthetic lake, as docs/reports.md describes — <c>PackData.Load</c> (the warehouse queries) and
/// <c>PackRenderer.Render(data)</c> (PDF + summaries) timed separately; fresh rollup by default, <c>--raw</c> adds one run
/// over the raw views. Median of R runs (default 3) after one cold run. The PDF is kept at
/// <c>/tmp/riskops-bench/pack-N.pdf</c>.
/// </summary>
internal static class ReportBenchmark
{
    public static Task<int> RunAsync(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var runs = BenchSupport.IntArg(args, "--runs", 3);
        var week = BenchSupport.Arg(args, "--week") ?? SyntheticLake.LastWeek;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"report benchmark: {decisions:N0} decisions, week {week}, {runs} runs (median), {Environment.ProcessorCount} cores, load average {MetricsBenchmark.LoadAverage()}"));
        var lake = SyntheticLake.Ensure(decisions);
        SyntheticLake.EnsureFreshRollups(lake);
        var request = new PackRequest(ReportPeriod.Parse(week), MetricFilters.None, SyntheticLake.AsOf);
        var rows = new List<string>();
        var figures = new Dictionary<string, double>();
        byte[] pdf = [];

        void Measure(string label, bool useRollups, int count, string key)
        {
            using var warehouse = Warehouse.Open(lake);
            warehouse.UseRollups = useRollups;
            var load = new List<Sample>();
            var render = new List<Sample>();
            Sample coldLoad = default, coldRender = default;
            for (var i = 0; i <= count; i++)
            {
                PackData? data = null;
                RenderedPack? pack = null;
                var l = Timing.Time(() => data = PackData.Load(warehouse, request, SyntheticLake.AsOf));
                var r = Timing.Time(() => pack = PackRenderer.Render(data!));
                pdf = pack!.Pdf;
                if (i == 0)
                {
                    (coldLoad, coldRender) = (l, r);
                    if (data!.IsEmpty)
                    {
                        throw new InvalidOperationException($"week {week} has no decisions in this lake");
                    }
                }
                else
                {
                    load.Add(l);
                    render.Add(r);
                }

                Console.WriteLine($"  {label} run {i}{(i == 0 ? " (cold)" : string.Empty)}: load {Timing.Ms(l.WallMs)} ms, render {Timing.Ms(r.WallMs)} ms, {pdf.Length / 1024.0:N0} KB");
            }

            if (load.Count == 0)
            {
                (load, render) = ([coldLoad], [coldRender]);
            }

            var loadMs = Timing.Median(load.Select(s => s.WallMs));
            var renderMs = Timing.Median(render.Select(s => s.WallMs));
            var cpuMs = Timing.Median(load.Zip(render, (a, b) => a.CpuMs + b.CpuMs));
            figures[key + "_load"] = loadMs;
            figures[key + "_render"] = renderMs;
            figures[key + "_total"] = loadMs + renderMs;
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {Timing.Ms(coldLoad.WallMs + coldRender.WallMs)} | {Timing.Ms(loadMs)} | {Timing.Ms(renderMs)} | {Timing.Ms(loadMs + renderMs)} | {Timing.Ms(cpuMs)} | {pdf.Length / (1024.0 * 1024.0):0.00} MB |"));
        }

        Measure("fresh rollup", useRollups: true, runs, "rollup");
        if (BenchSupport.Flag(args, "--raw"))
        {
            Measure("raw views (no rollup)", useRollups: false, 0, "raw");
        }

        var output = Path.Combine(SyntheticLake.CacheRoot, $"pack-{decisions}.pdf");
        File.WriteAllBytes(output, pdf);
        figures["pdf_bytes"] = pdf.Length;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## weekly pack {week}, {decisions:N0} decisions (PDF kept at {output})"));
        Console.WriteLine();
        Console.WriteLine("| source | cold total ms | `PackData.Load` median ms | `PackRenderer.Render` median ms | total median ms | CPU ms | PDF size |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("Goals: ≤ 3 s per pack, ≤ 2 MB.");
        Timing.Save("report", decisions, figures);
        Timing.PrintGrowth("report", ["rollup_load", "rollup_render", "rollup_total", "raw_total"]);
        return Task.FromResult(0);
    }
}
