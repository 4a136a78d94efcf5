using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Jobs;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Experiments;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Jobs;

/// <summary>
/// Lake versions from the manifest log, rollup freshness by lake version (never by file state), the published rollup
/// served while batches are pending, and folds that give the raw and rebuilt figures whatever arrives late.
/// </summary>
public sealed class LakeVersionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ManifestLog_OldAndNewManifests_OldOnesNumberedInPublishOrder()
    {
        using var lake = new TestLake();
        TestManifests.Write(lake.Root, "zz-first", null, T0);
        TestManifests.Write(lake.Root, "aa-second", null, T0.AddMinutes(5));
        TestManifests.Write(lake.Root, "mm-tie", null, T0.AddMinutes(5));
        TestManifests.Write(lake.Root, "new-1", 4, T0.AddMinutes(9), T0.AddMinutes(10));
        TestManifests.Write(lake.Root, "new-2", 5, T0.AddMinutes(20), T0.AddMinutes(21));
        File.WriteAllText(Path.Combine(lake.Root, "_manifests", "broken.json"), "{ not json");

        var state = ManifestLog.State(lake.Root);

        Assert.Equal([("zz-first", 1L), ("aa-second", 2L), ("mm-tie", 3L), ("new-1", 4L), ("new-2", 5L)], state.Batches.Select(b => (b.BatchId, b.LakeVersion)));
        Assert.Equal(5, state.Version);
        Assert.Equal(T0.AddMinutes(21), state.DataThrough());
        Assert.Equal(T0.AddMinutes(10), state.DataThrough(4));
        Assert.Equal(T0.AddMinutes(5), state.DataThrough(3));
        Assert.Equal(1, state.PendingAfter(4));
        Assert.Equal(0, ManifestLog.State(Path.Combine(lake.Root, "missing")).Version);
    }

    [Fact]
    public void FreshRollup_CompactionRewritesFiles_StaysFreshAndSameFigures()
    {
        var data = RandomLake.Generate(41, 300);
        using var lake = TestLake.Create(data);
        TestManifests.Write(lake.Root, "b1", 1, T0);
        using var warehouse = Warehouse.Open(lake.Root);
        var folder = warehouse.BuildRollups(T0);
        var before = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);

        // A compaction: every decision partition rewritten as one file (new name, new time stamps), no manifest.
        Compact(lake.Root, "decisions");

        Assert.Equal(folder, warehouse.FreshRollup());
        var after = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        Assert.True(warehouse.LastMetricsFromDailyRollup);
        Assert.Equal(1, warehouse.LastRollupLakeVersion);
        MetricAssert.Equal(before.Overall, after.Overall, "after compaction");
        warehouse.UseRollups = false;
        MetricAssert.Equal(before.Overall, warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall, "raw after compaction");
    }

    [Fact]
    public void ServePublishedRollup_BatchPending_ServesThePublishedVersionUntilFolded()
    {
        using var lake = TestLake.Create(new LakeData { Decisions = { new DecisionRow { CaseId = "a1" }, new DecisionRow { CaseId = "a2" } } });
        TestManifests.Write(lake.Root, "b1", 1, T0);
        using var warehouse = Warehouse.Open(lake.Root);
        var (first, built) = warehouse.Fold(T0);
        Assert.True(built);
        Assert.Equal(1, first.LakeVersion);
        Assert.Equal(T0, first.DataThrough);
        Assert.False(warehouse.Fold(T0).Built);

        lake.Write(new LakeData { Decisions = { new DecisionRow { CaseId = "a3", BatchId = "b0002" } } });
        TestManifests.Write(lake.Root, "b2", 2, T0.AddMinutes(3));

        Assert.Null(warehouse.FreshRollup());
        Assert.Equal(new LakeFreshness(2, T0.AddMinutes(3), 1, T0, 1), warehouse.Freshness());
        warehouse.ServePublishedRollup = true;
        var served = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        Assert.Equal(2, served.Overall.Decisions);
        Assert.Equal(1, warehouse.LastRollupLakeVersion);
        warehouse.ServePublishedRollup = false;
        Assert.Equal(3, warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall.Decisions);
        Assert.Null(warehouse.LastRollupLakeVersion);

        var (second, again) = warehouse.Fold(T0.AddMinutes(5));
        Assert.True(again);
        Assert.Equal(2, second.LakeVersion);
        warehouse.ServePublishedRollup = true;
        Assert.Equal(3, warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall.Decisions);
        Assert.Equal(2, warehouse.LastRollupLakeVersion);
    }

    [Fact]
    public async Task RollupJob_PendingBatch_FoldsIntoANewVersion()
    {
        using var lake = TestLake.Create(RandomLake.Generate(43, 80));
        TestManifests.Write(lake.Root, "b1", 1, T0);
        var job = new RollupJob(Options.Create(new WarehouseOptions { Root = lake.Root }), new FakeTimeProvider(T0), NullLogger<RollupJob>.Instance);
        await job.RunAsync(CancellationToken.None);
        TestManifests.Write(lake.Root, "b2", 2, T0.AddMinutes(1));
        await job.RunAsync(CancellationToken.None);

        using var warehouse = Warehouse.Open(lake.Root);
        Assert.Equal(2, warehouse.LatestPublishedRollup()!.LakeVersion);
        Assert.NotNull(warehouse.FreshRollup());
    }

    [Theory]
    [InlineData(51, 300)]
    [InlineData(53, 60)]
    public void Fold_BatchesWithLateReviewsLabelsAndAudits_SameAsRawRebuildAndReference(int seed, int cases)
    {
        var all = ExperimentComparisonTests.WithExperiments(RandomLake.Generate(seed, cases), seed);
        var late = LateRecords(all, seed);
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        var version = 0L;
        var landed = new LakeData();
        // Batch by batch: each random-lake batch, then the late records, each one published with a manifest and folded.
        foreach (var part in LakeBatches.Split(all).Append(late))
        {
            lake.Write(part);
            Append(landed, part);
            version++;
            TestManifests.Write(lake.Root, $"batch-{version}", version, T0.AddMinutes(version));
            var (rollup, built) = warehouse.Fold(T0.AddMinutes(version));
            Assert.True(built);
            Assert.Equal(version, rollup.LakeVersion);

            var reference = new ReferenceModel(landed);
            // Every version unfiltered; the last (after the late records) under filters too.
            MetricFilters[] filters = part == late
                ? [MetricFilters.None, new() { CaseTypes = ["ATO"], Vendors = ["V2"] }, new() { Weeks = ["2026-W48"] }]
                : [MetricFilters.None];
            foreach (var filter in filters)
            {
                var context = $"seed {seed}, version {version}, {filter}";
                warehouse.UseRollups = true;
                warehouse.ServePublishedRollup = true;
                var folded = warehouse.GetMetrics(filter, RandomLake.AsOf);
                Assert.Equal(version, warehouse.LastRollupLakeVersion);
                var foldedExperiments = warehouse.GetExperiments(filter, RandomLake.AsOf);
                warehouse.UseRollups = false;
                var raw = warehouse.GetMetrics(filter, RandomLake.AsOf);
                var rawExperiments = warehouse.GetExperiments(filter, RandomLake.AsOf);
                var (overall, byCaseType) = reference.Compute(filter, RandomLake.AsOf);
                MetricAssert.Equal(raw.Overall, folded.Overall, context + " folded vs raw");
                MetricAssert.Equal(overall, folded.Overall, context + " folded vs reference");
                Assert.Equal(raw.ByCaseType.Count, folded.ByCaseType.Count);
                foreach (var (r, f) in raw.ByCaseType.Zip(folded.ByCaseType))
                {
                    MetricAssert.Equal(r, f, context + " " + r.CaseType);
                }

                Assert.Equal(byCaseType.Select(s => s.CaseType), folded.ByCaseType.Select(s => s.CaseType));
                var expected = ExperimentAssembler.Assemble(ExperimentComparisonTests.ReferenceArms(reference, filter, RandomLake.AsOf), RandomLake.AsOf);
                ExperimentComparisonTests.AssertSame(expected, foldedExperiments, context + " experiments folded");
                ExperimentComparisonTests.AssertSame(expected, rawExperiments, context + " experiments raw");
            }
        }

        // --rebuild from the whole lake: the same version, the same figures.
        var folder = warehouse.LatestPublishedRollup()!.Folder;
        warehouse.UseRollups = true;
        var beforeRebuild = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        var (rebuilt, _) = warehouse.Fold(T0.AddHours(1), rebuild: true);
        Assert.NotEqual(folder, rebuilt.Folder);
        Assert.Equal(version, rebuilt.LakeVersion);
        MetricAssert.Equal(beforeRebuild.Overall, warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall, "rebuild");
    }

    /// <summary>
    /// Records arriving weeks late: re-labels of old cases (some flipping TP/FP), reviews resolving open cases, QA audits
    /// of old reviews (and a re-delivered verdict), an SOP update, and a decision re-scored later.
    /// </summary>
    private static LakeData LateRecords(LakeData data, int seed)
    {
        var random = new Random(seed + 1000);
        var late = new LakeData();
        var at = LakeRow.Epoch.AddDays(40);
        var line = 1L;
        LakeRow Lineage(LakeRow row) => row with { BatchId = "late", IngestedAt = at, SourceLine = line++ };
        foreach (var label in data.Labels.Where(_ => random.Next(6) == 0).Take(40))
        {
            var flipped = label.Label switch { "TP" => "FP", "FP" => "TP", "TN" => "FN", _ => "TN" };
            late.Labels.Add((LabelRow)Lineage(label with { Label = flipped, RootCauseType = flipped is "FP" or "FN" ? "B" : null, LabeledAt = label.LabeledAt.AddDays(9) }));
        }

        var open = data.Reviews.Where(r => r.Decision is null).Take(15).ToList();
        foreach (var review in open)
        {
            late.Reviews.Add((ReviewRow)Lineage(review with { ResolvedAt = review.AssignedAt.AddHours(random.Next(1, 30)), Decision = random.Next(2) == 0 ? "pass" : "block" }));
        }

        foreach (var review in data.Reviews.Where(_ => random.Next(5) == 0).Take(25))
        {
            late.QaAudits.Add((QaAuditRow)Lineage(new QaAuditRow { AuditId = $"late-{review.ReviewId}", ReviewId = review.ReviewId, AuditedAt = at, Verdict = random.Next(3) == 0 ? "incorrect" : "correct" }));
        }

        if (data.QaAudits.FirstOrDefault() is { } audit)
        {
            late.QaAudits.Add((QaAuditRow)Lineage(audit with { Verdict = audit.Verdict == "correct" ? "incorrect" : "correct" }));
        }

        late.Sop.Add((SopRow)Lineage(new SopRow { CaseType = "ATO", ScenarioCode = "ATO.late_scenario", Covered = false, UpdatedAt = at }));
        if (data.Decisions.FirstOrDefault(d => d.Experiment is not null) is { } decision)
        {
            late.Decisions.Add((DecisionRow)Lineage(decision with { ScoredAt = decision.ScoredAt.AddMinutes(1), AiDecision = decision.AiDecision == "pass" ? "block" : "pass" }));
        }

        return late;
    }

    private static void Append(LakeData target, LakeData part)
    {
        target.Decisions.AddRange(part.Decisions);
        target.Reviews.AddRange(part.Reviews);
        target.Labels.AddRange(part.Labels);
        target.QaAudits.AddRange(part.QaAudits);
        target.Sop.AddRange(part.Sop);
        target.Quarantine.AddRange(part.Quarantine);
    }

    /// <summary>Rewrites every partition of <paramref name="kind"/> as one new file (what compaction does), writing no manifest.</summary>
    private static void Compact(string root, string kind)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        foreach (var partition in Directory.EnumerateDirectories(Path.Combine(root, kind)))
        {
            var files = Directory.GetFiles(partition, "*.parquet");
            var target = Path.Combine(partition, $"compacted-{Guid.NewGuid():N}.parquet");
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"copy (select * exclude (dt) from read_parquet('{partition.Replace("'", "''", StringComparison.Ordinal)}/*.parquet', hive_partitioning = true, union_by_name = true)) to '{target.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)";
                command.ExecuteNonQuery();
            }

            foreach (var file in files)
            {
                File.Delete(file);
            }
        }
    }
}
