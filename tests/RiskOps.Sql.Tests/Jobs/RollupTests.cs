using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Sql.Jobs;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Jobs;

/// <summary>Rollups: published atomically, used only while fresh, and giving exactly the raw figures.</summary>
public sealed class RollupTests
{
    [Theory]
    [InlineData(21, 300)]
    [InlineData(23, 900)]
    [InlineData(24, 5)]
    public void GetMetrics_FreshRollup_SameFiguresAsRaw(int seed, int cases)
    {
        var data = RandomLake.Generate(seed, cases);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.BuildRollups(RandomLake.AsOf);

        (MetricFilters Filter, DateTimeOffset AsOf)[] calls =
        [
            (MetricFilters.None, RandomLake.AsOf),
            (MetricFilters.None, RandomLake.AsOf.AddDays(-9).AddHours(-5)),
            (MetricFilters.None, RandomLake.AsOf.AddDays(30)),
            (new() { CaseTypes = ["ATO"], Weeks = ["2026-W48", "2026-W49"] }, RandomLake.AsOf),
            (new() { ModelVersions = ["m1"], Regions = ["EU", "LATAM"] }, RandomLake.AsOf.AddDays(-3)),
            (new() { From = new DateOnly(2026, 11, 18), To = new DateOnly(2026, 11, 18) }, RandomLake.AsOf),
            (new() { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 29), CaseTypes = ["KYC_AUDIT", "RESET_2FA"] }, RandomLake.AsOf),
            (new() { Regions = ["EU"], Weeks = ["2020-W01"] }, RandomLake.AsOf), // a known value without data: empty figures (a value in no record is an error)
            (new() { Vendors = ["V2"], Regions = ["EU"] }, RandomLake.AsOf),
            (new() { Vendors = ["V1", "V2"], Weeks = ["2026-W48"] }, RandomLake.AsOf.AddDays(-2)),
            (new() { Vendors = ["V1"], Weeks = ["2020-W01"] }, RandomLake.AsOf),
        ];
        foreach (var (filter, asOf) in calls)
        {
            warehouse.UseRollups = true;
            var fromRollup = warehouse.GetMetrics(filter, asOf);
            Assert.True(warehouse.LastScopeFromRollup);
            Assert.True(warehouse.LastMetricsFromDailyRollup);
            warehouse.UseRollups = false;
            var raw = warehouse.GetMetrics(filter, asOf);
            Assert.False(warehouse.LastScopeFromRollup);
            Assert.False(warehouse.LastMetricsFromDailyRollup);

            var context = $"seed {seed}, {filter}, as-of {asOf:O}";
            MetricAssert.Equal(raw.Overall, fromRollup.Overall, context);
            foreach (var (slicesRaw, slicesRollup) in new[]
            {
                (raw.ByCaseType, fromRollup.ByCaseType), (raw.ByWeek, fromRollup.ByWeek),
                (raw.ByRegion, fromRollup.ByRegion), (raw.ByModelVersion, fromRollup.ByModelVersion),
            })
            {
                Assert.Equal(slicesRaw.Count, slicesRollup.Count);
                foreach (var (r, u) in slicesRaw.Zip(slicesRollup))
                {
                    MetricAssert.Equal(r, u, $"{context} {r.CaseType}{r.Week}{r.Region}{r.ModelVersion}");
                    Assert.Equal((r.PrecisionWow, r.RecallWow, r.SlaComplianceWow), (u.PrecisionWow, u.RecallWow, u.SlaComplianceWow));
                }
            }

            Assert.Equal(WarehouseJson.Serialize(raw.Quality), WarehouseJson.Serialize(fromRollup.Quality));
            Assert.Equal(WarehouseJson.Serialize(raw.SopGaps), WarehouseJson.Serialize(fromRollup.SopGaps));
            Assert.Equal(WarehouseJson.Serialize(raw.SopCoverage), WarehouseJson.Serialize(fromRollup.SopCoverage));
            Assert.Equal(WarehouseJson.Serialize(raw.DataQuality), WarehouseJson.Serialize(fromRollup.DataQuality));
            Assert.Equal(raw.Reliability.Count, fromRollup.Reliability.Count);
            foreach (var (r, u) in raw.Reliability.Zip(fromRollup.Reliability))
            {
                Assert.Equal((r.CaseType, r.Week, r.Bin, r.Count), (u.CaseType, u.Week, u.Bin, u.Count));
                Assert.Equal(r.MeanConfidence is null, u.MeanConfidence is null);
                Assert.Equal(r.MeanConfidence ?? 0, u.MeanConfidence ?? 0, 12);
                Assert.Equal(r.ObservedAccuracy ?? 0, u.ObservedAccuracy ?? 0, 12);
            }
        }
    }

    [Fact]
    public void GetMetrics_FreshRollupOverview_ReadsNoPerCaseFile()
    {
        var data = RandomLake.Generate(25, 400);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.UseRollups = false;
        var filter = new MetricFilters { Vendors = ["V1"], CaseTypes = ["ATO", "KYC_AUDIT"] };
        var raw = warehouse.GetMetrics(filter, RandomLake.AsOf);
        warehouse.UseRollups = true;
        var folder = warehouse.BuildRollups(RandomLake.AsOf);

        // The per-case files of the rollup become unreadable: an overview answer must not need them.
        foreach (var perCase in new[] { "cases", "case_audits", "daily_resolution", "daily_audits", "daily_agreement" })
        {
            File.WriteAllText(Path.Combine(folder, perCase + ".parquet"), "not parquet");
        }

        var overview = warehouse.GetMetrics(filter, RandomLake.AsOf, MetricsDetail.Overview);
        warehouse.OverviewThreads = 1;
        var oneThread = warehouse.GetMetrics(filter, RandomLake.AsOf, MetricsDetail.Overview);
        warehouse.OverviewThreads = null;

        Assert.True(warehouse.LastMetricsFromDailyRollup);
        // One thread sums in another order than two: equal up to floating-point rounding.
        foreach (var (a, b) in new[] { overview.Overall }.Concat(overview.ByCaseType).Concat(overview.ByWeek)
            .Zip(new[] { oneThread.Overall }.Concat(oneThread.ByCaseType).Concat(oneThread.ByWeek)))
        {
            MetricAssert.Equal(a, b, "overview with one thread");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => warehouse.OverviewThreads = 0);
        Assert.True(raw.Overall.ResolvedCases > 0);
        Assert.Null(overview.Overall.ResolutionHoursP50);
        Assert.NotEmpty(raw.Quality);
        Assert.Empty(overview.Quality);
        Assert.Equal(raw.Reliability.Select(b => b.Count), overview.Reliability.Select(b => b.Count));
        raw.Overall.ResolutionHoursP50 = null;
        raw.Overall.ResolutionHoursP90 = null;
        MetricAssert.Equal(raw.Overall, overview.Overall, "overview from daily rollups");
        Assert.Throws<DuckDB.NET.Data.DuckDBException>(() => warehouse.GetMetrics(filter, RandomLake.AsOf));
    }

    [Fact]
    public void GetMetrics_FreshRollup_MatchesAHandComputedLake()
    {
        using var lake = TestLake.Create(HandLake.Build());
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.UseRollups = false;
        var raw = warehouse.GetMetrics(MetricFilters.None, HandLake.AsOf);
        warehouse.UseRollups = true;
        warehouse.BuildRollups(HandLake.AsOf);

        var fromRollup = warehouse.GetMetrics(MetricFilters.None, HandLake.AsOf);

        Assert.True(warehouse.LastMetricsFromDailyRollup);
        JsonEqual(JsonNode.Parse(WarehouseJson.Serialize(raw)), JsonNode.Parse(WarehouseJson.Serialize(fromRollup)), "$");
    }

    /// <summary>Same JSON tree; numbers equal to 1e-12 (sums of doubles may be added in another order).</summary>
    private static void JsonEqual(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                break;
            case JsonObject obj:
                var other = Assert.IsType<JsonObject>(actual);
                Assert.Equal(obj.Select(p => p.Key).Order(), other.Select(p => p.Key).Order());
                foreach (var (key, value) in obj)
                {
                    JsonEqual(value, other[key], $"{path}.{key}");
                }

                break;
            case JsonArray array:
                var items = Assert.IsType<JsonArray>(actual);
                Assert.True(array.Count == items.Count, $"{path}: {array.Count} items expected, got {items.Count}");
                for (var i = 0; i < array.Count; i++)
                {
                    JsonEqual(array[i], items[i], $"{path}[{i}]");
                }

                break;
            case JsonValue value when value.TryGetValue(out double number):
                Assert.True(actual is JsonValue v && v.TryGetValue(out double got) && Math.Abs(number - got) <= 1e-12,
                    $"{path}: expected {number:R}, got {actual?.ToJsonString()}");
                break;
            default:
                Assert.Equal(expected.ToJsonString(), actual?.ToJsonString());
                break;
        }
    }

    [Theory]
    [InlineData(31, 400, 37)]
    [InlineData(32, 60, 5)]
    public void BuildRollups_InBuckets_WritesTheSameTablesAsInOne(int seed, int cases, long bucketRows)
    {
        var data = RandomLake.Generate(seed, cases);
        // A review re-delivered later under another case id: latest-wins per review_id must follow it across buckets.
        var moved = data.Reviews.First(r => r.Decision is "pass" or "block");
        var target = data.Decisions.First(d => d.CaseId != moved.CaseId && d.Routing == "manual").CaseId;
        data.Reviews.Add(moved with { CaseId = target, BatchId = "b999", IngestedAt = moved.IngestedAt.AddDays(1) });
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var whole = warehouse.BuildRollups(RandomLake.AsOf);
        Assert.Equal(1, warehouse.LastRollupBuckets);
        warehouse.RollupBucketRows = bucketRows;
        var split = warehouse.BuildRollups(RandomLake.AsOf.AddMinutes(1));
        Assert.True(warehouse.LastRollupBuckets >= 4, $"{warehouse.LastRollupBuckets} buckets");
        Assert.Equal(split, warehouse.FreshRollup());

        // The snapshots against the views themselves (one bucket or many, the definition is the views'); the daily
        // tables and data-quality counts against the one-bucket build.
        var views = new Dictionary<string, string>
        {
            ["cases"] = "select * from cases",
            ["case_audits"] = "select * from case_audits where case_id in (select case_id from cases)",
            ["case_reviews"] = """
                select case_id, review_id, vendor, (epoch_us(resolved_at) - epoch_us(assigned_at)) / 3600000000.0 as handling_hours
                from reviews where resolved_at is not null and case_id in (select case_id from cases)
                """,
        };
        string[] tables = ["cases", "case_audits", "case_reviews", "data_quality", .. Warehouse.AggregateTables];
        foreach (var table in tables)
        {
            var a = views.GetValueOrDefault(table) ?? $"select * from read_parquet('{Warehouse.Quote(Path.Combine(whole, table + ".parquet"))}')";
            var b = $"select * from read_parquet('{Warehouse.Quote(Path.Combine(split, table + ".parquet"))}')";
            var counts = warehouse.Query($"""
                select
                    (select count(*) from ({a})) as rows_expected,
                    (select count(*) from ({b})) as rows_split,
                    (select count(*) from ({a} except all {b})) as only_expected,
                    (select count(*) from ({b} except all {a})) as only_split
                """).Rows[0].Select(Warehouse.ToLong).ToArray();
            Assert.True(counts[0] > 0, $"{table} is empty");
            Assert.Equal([counts[0], counts[0], 0, 0], counts);
        }

        var quality = warehouse.Query($"select * from read_parquet('{Warehouse.Quote(Path.Combine(split, "data_quality.parquet"))}')");
        Assert.All(quality.Rows[0], v => Assert.True(Warehouse.ToLong(v) > 0, $"data quality {string.Join(",", quality.Rows[0])}"));
        var reviewed = warehouse.Query($"select count(*) from cases where case_id = '{moved.CaseId}' and final_review_id = '{moved.ReviewId}'");
        Assert.Equal(0L, Warehouse.ToLong(reviewed.Rows[0][0]));
    }

    [Fact]
    public void GetMetrics_FreshRollupOnSeveralConnections_SameAnswerAsOneAndFollowsANewVersion()
    {
        var first = RandomLake.Generate(31, 300);
        using var lake = TestLake.Create(first);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.BuildRollups(RandomLake.AsOf);
        var filters = new[] { MetricFilters.None, new MetricFilters { Vendors = ["V1"] }, new MetricFilters { CaseTypes = ["ATO"] } };

        void AssertSameOnEveryConnectionCount(string context)
        {
            foreach (var filter in filters)
            {
                foreach (var detail in new[] { MetricsDetail.Full, MetricsDetail.Overview })
                {
                    warehouse.RollupConnections = 1;
                    var one = warehouse.GetMetrics(filter, RandomLake.AsOf, detail);
                    foreach (var connections in new[] { 2, 4 })
                    {
                        warehouse.RollupConnections = connections;
                        var several = warehouse.GetMetrics(filter, RandomLake.AsOf, detail);
                        Assert.True(warehouse.LastMetricsFromDailyRollup);
                        var where = $"{context}, {detail}, {connections} connections, vendors [{string.Join(",", filter.Vendors)}], case types [{string.Join(",", filter.CaseTypes)}]";
                        foreach (var (a, b) in new[] { one.Overall }.Concat(one.ByCaseType).Concat(one.ByWeek).Concat(one.ByModelVersion).Concat(one.ByRegion)
                            .Zip(new[] { several.Overall }.Concat(several.ByCaseType).Concat(several.ByWeek).Concat(several.ByModelVersion).Concat(several.ByRegion), (a, b) => (a, b)))
                        {
                            MetricAssert.Equal(a, b, where);
                        }

                        Assert.Equal(one.ByWeek.Select(w => w.Week), several.ByWeek.Select(w => w.Week));
                        Assert.Equal(one.Quality.Count, several.Quality.Count);
                        Assert.Equal(one.Reliability.Select(r => (r.CaseType, r.Week, r.Bin, r.Count)), several.Reliability.Select(r => (r.CaseType, r.Week, r.Bin, r.Count)));
                        Assert.Equal(one.SopGaps.Select(g => (g.CaseType, g.RootCauseCode, g.Cases)), several.SopGaps.Select(g => (g.CaseType, g.RootCauseCode, g.Cases)));
                        Assert.Equal(one.SopCoverage.Select(c => (c.CaseType, c.Scenarios)), several.SopCoverage.Select(c => (c.CaseType, c.Scenarios)));
                        Assert.Equal(one.DataQuality.QuarantinedRecords, several.DataQuality.QuarantinedRecords);
                    }
                }
            }
        }

        AssertSameOnEveryConnectionCount("first version");
        var before = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall.Decisions;

        // New data and a new rollup version: the duplicate connections must read the new version, not the old one.
        lake.Write(new LakeData { Decisions = { new DecisionRow { CaseId = "late-1", CaseType = "ATO", BatchId = "late" }, new DecisionRow { CaseId = "late-2", CaseType = "ATO", BatchId = "late" } } });
        warehouse.BuildRollups(RandomLake.AsOf);
        warehouse.RollupConnections = 4;
        var after = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        warehouse.UseRollups = false;
        var raw = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        warehouse.UseRollups = true;

        Assert.Equal(before + 2, after.Overall.Decisions);
        MetricAssert.Equal(raw.Overall, after.Overall, "several connections after a new rollup version vs raw");
        AssertSameOnEveryConnectionCount("second version");
        Assert.Throws<ArgumentOutOfRangeException>(() => warehouse.RollupConnections = 0);
    }

    [Fact]
    public void FreshRollup_SourceFileLandsAfterBuild_FallsBackToRaw()
    {
        using var lake = TestLake.Create(HandLake.Build());
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.BuildRollups(HandLake.AsOf);
        Assert.NotNull(warehouse.FreshRollup());

        lake.Write(new LakeData { Decisions = { new DecisionRow { CaseId = "c9", CaseType = "ATO", BatchId = "late" } } });
        var report = warehouse.GetMetrics(MetricFilters.None, HandLake.AsOf);

        Assert.Null(warehouse.FreshRollup());
        Assert.False(warehouse.LastScopeFromRollup);
        Assert.Equal(8, report.Overall.Decisions);
    }

    [Fact]
    public void RollupDaily_SummedOverDays_GivesTheRawAdditiveFigures()
    {
        var data = RandomLake.Generate(22, 300);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var folder = warehouse.BuildRollups(RandomLake.AsOf);
        warehouse.UseRollups = false;
        var raw = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);

        var daily = warehouse.Query($"""
            select case_type, sum(decisions), sum(tp), sum(fp), sum(tn), sum(fn), sum(auto_decisions), sum(sla_met),
                sum(resolved_cases), sum(qa_audits), sum(qa_correct), sum(squared_error_sum) / sum(labeled_cases),
                sum(audit_tp_weight) / nullif(sum(audit_block_weight), 0)
            from read_parquet('{Path.Combine(folder, "daily.parquet")}')
            group by case_type order by case_type
            """);
        var bins = warehouse.Query($"""
            select case_type, sum(n), sum(correct) from read_parquet('{Path.Combine(folder, "daily_calibration.parquet")}')
            group by case_type order by case_type
            """);

        Assert.Equal(raw.ByCaseType.Select(c => c.CaseType), daily.Rows.Select(r => (string)r[0]!));
        foreach (var (set, row) in raw.ByCaseType.Zip(daily.Rows))
        {
            long[] expected = [set.Decisions, set.Tp, set.Fp, set.Tn, set.Fn, set.AutoDecisions, set.SlaMet, set.ResolvedCases, set.QaAudits, set.QaCorrect];
            Assert.Equal(expected, row.Skip(1).Take(10).Select(Warehouse.ToLong));
            Assert.Equal(set.Brier!.Value, Warehouse.ToDouble(row[11])!.Value, 12);
            Assert.Equal(set.RecallAuto, Warehouse.ToDouble(row[12]));
        }

        Assert.Equal(raw.ByCaseType.Select(c => c.LabeledCases), bins.Rows.Select(r => Warehouse.ToLong(r[1])));
    }

    [Fact]
    public void BuildRollups_AbandonedStagingFolder_RemovedWhenADayOld()
    {
        using var lake = TestLake.Create(HandLake.Build());
        var rollups = Directory.CreateDirectory(lake.PathOf("_rollups")).FullName;
        var abandoned = Directory.CreateDirectory(Path.Combine(rollups, ".staging-v1-dead"));
        File.WriteAllText(Path.Combine(abandoned.FullName, "spill.tmp"), "left by a killed build");
        abandoned.LastWriteTimeUtc = DateTime.UtcNow.AddDays(-2);
        var recent = Directory.CreateDirectory(Path.Combine(rollups, ".staging-v2-running"));
        using var warehouse = Warehouse.Open(lake.Root);

        warehouse.BuildRollups(HandLake.AsOf);

        Assert.False(Directory.Exists(abandoned.FullName));
        Assert.True(Directory.Exists(recent.FullName), "a staging folder touched within the day may be a build in progress");
    }

    [Fact]
    public async Task RunAsync_TwiceWithoutNewData_PublishesOnceAtomically()
    {
        using var lake = TestLake.Create(HandLake.Build());
        var time = new FakeTimeProvider(HandLake.AsOf);
        var job = new RollupJob(Options.Create(new WarehouseOptions { Root = lake.Root }), time, NullLogger<RollupJob>.Instance);

        await job.RunAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await job.RunAsync(CancellationToken.None);

        var rollups = lake.PathOf("_rollups");
        var version = Assert.Single(Directory.GetDirectories(rollups));
        Assert.StartsWith($"v{HandLake.AsOf.UtcTicks}-", Path.GetFileName(version));
        Assert.Empty(Directory.GetDirectories(rollups, ".staging-*"));
        Assert.True(File.Exists(Path.Combine(rollups, "CURRENT")));
        using var warehouse = Warehouse.Open(lake.Root);
        Assert.Equal(version, warehouse.FreshRollup());
    }
}
