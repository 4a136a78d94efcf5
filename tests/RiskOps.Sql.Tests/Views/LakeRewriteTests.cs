using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Views;

/// <summary>
/// Reads while the lake's files are replaced underneath (a compaction swaps a partition's files: the new file is
/// renamed in, then the old ones are deleted). A read that lists a file a moment before it is deleted must not fail.
/// </summary>
public sealed class LakeRewriteTests
{
    /// <summary>Partition files swapped, one every 400 ms (a partition's rewrite takes that long or longer).</summary>
    private const int SweptFiles = 8;

    [Fact]
    public async Task GetMetrics_WhilePartitionFilesAreSwapped_NeverFails()
    {
        using var lake = TestLake.Create(RandomLake.Generate(41, 200));
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.UseRollups = false;
        var expected = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf, MetricsDetail.Overview).Overall.Decisions;
        var files = Directory.EnumerateFiles(Path.Combine(lake.Root, "decisions"), "*.parquet", SearchOption.AllDirectories).ToList();
        var swapped = 0;
        var calls = 0;
        var swapper = Task.Run(async () =>
        {
            // One compaction sweep, as CompactionJob swaps each partition: a rewritten file is renamed in whole, then
            // the old one is deleted; the next partition follows once its rewrite is done.
            foreach (var file in files.Take(SweptFiles))
            {
                var next = Path.Combine(Path.GetDirectoryName(file)!, $"part-compacted-{swapped}.parquet");
                File.Copy(file, next + ".tmp");
                File.Move(next + ".tmp", next);
                File.Delete(file);
                swapped++;
                // Paced by the reads, not by the clock: on a loaded machine one read can outlast a fixed delay, and a
                // sweep that ends before the next read starts would test nothing.
                var seen = Volatile.Read(ref calls);
                await Task.Delay(400);
                while (Volatile.Read(ref calls) == seen)
                {
                    await Task.Delay(20);
                }
            }
        });

        while (!swapper.IsCompleted)
        {
            var report = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf, MetricsDetail.Overview);
            // Between a rename and a delete the old and new file are both listed: the latest-wins views count each
            // case once all the same.
            Assert.Equal(expected, report.Overall.Decisions);
            Interlocked.Increment(ref calls);
        }

        await swapper;
        Assert.Equal(SweptFiles, swapped);
        Assert.True(calls >= SweptFiles, $"the reads should have run during the sweep ({calls} calls)");
    }
}
