using System.Diagnostics;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests;

public sealed class ScratchTests
{
    [Fact]
    public void Scratch()
    {
        var data = RandomLake.Generate(3, 900);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var log = new System.Text.StringBuilder();
        log.AppendLine(Directory.EnumerateFiles(lake.Root, "*.parquet", SearchOption.AllDirectories).Count().ToString());
        foreach (var q in new[] { "select count(*) from raw_decisions", "select count(*) from decisions", "select count(*) from reviews", "select count(*) from labels", "select count(*) from cases", "select count(*) from cases", "select * from data_quality_x" })
        {
            var sw = Stopwatch.StartNew();
            try { warehouse.Query(q); } catch (Exception e) { log.AppendLine(e.Message); }
            log.AppendLine($"{q}: {sw.ElapsedMilliseconds}");
        }
        var s2 = Stopwatch.StartNew();
        warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        log.AppendLine($"metrics {s2.ElapsedMilliseconds}");
        File.WriteAllText("/tmp/sql-scratch.txt", log.ToString());
    }
}
