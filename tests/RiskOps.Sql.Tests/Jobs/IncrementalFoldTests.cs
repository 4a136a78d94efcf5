using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Experiments;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Jobs;

/// <summary>
/// Incremental folds (Warehouse.Fold.cs) over random batch sequences, in a lake whose manifests list their files as the
/// ETL's do: after every fold each rollup table equals the one a rebuild from scratch writes on a copy of the same lake
/// (every row, doubles to 1e-9), and the served figures equal the raw views'. The sequences mix late reviews, re-labels,
/// QA audits of old reviews, re-scored decisions, exact re-deliveries, quarantined rows, SOP updates, several batches
/// per fold and compactions between folds.
/// </summary>
public sealed class IncrementalFoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(61, 240)]
    [InlineData(62, 90)]
    [InlineData(63, 400)]
    public void Fold_RandomBatchSequence_EveryVersionEqualsRebuildAndRaw(int seed, int cases)
    {
        var random = new Random(seed);
        var all = ExperimentComparisonTests.WithExperiments(RandomLake.Generate(seed, cases), seed);
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(all).ToList();
        parts.Add(LateRecords(all, seed, "late1", 40));
        parts.Add(LateRecords(all, seed + 7, "late2", 55));
        var incremental = 0;
        var first = true;
        for (var i = 0; i < parts.Count; i++)
        {
            landed.Publish(parts[i], T0.AddMinutes(i));
            if (random.Next(4) == 0)
            {
                // An exact re-delivery: the ETL lands nothing and writes a manifest listing no file.
                landed.PublishEmpty($"redelivery-{i}", T0.AddMinutes(i).AddSeconds(30));
            }

            if (random.Next(3) == 0)
            {
                landed.Compact(random);
            }

            // Several batches per fold, and always after the late records.
            if (i < parts.Count - 1 && !first && random.Next(3) != 0)
            {
                continue;
            }

            var (rollup, built) = warehouse.Fold(T0.AddMinutes(i).AddSeconds(50));
            Assert.True(built);
            Assert.Equal(landed.Version, rollup.LakeVersion);
            Assert.True((first ? FoldKind.Rebuild : FoldKind.Incremental) == warehouse.LastFold, $"{warehouse.LastFold}: {warehouse.LastRebuildReason}");
            incremental += warehouse.LastFold == FoldKind.Incremental ? 1 : 0;
            first = false;
            var context = $"seed {seed}, after part {i} (version {landed.Version})";
            AssertSameAsRebuild(lake.Root, rollup.Folder, context);
            AssertServedEqualsRaw(warehouse, context, i == parts.Count - 1);
        }

        Assert.True(incremental >= 2, $"only {incremental} incremental folds ran");
        Assert.False(warehouse.Fold(T0.AddHours(2)).Built);
    }

    [Fact]
    public void Fold_LateLabelOfAnOldCase_RecomputesOnlyThatCaseAndDay()
    {
        var all = RandomLake.Generate(64, 300);
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        landed.Publish(all, T0, "all");
        warehouse.Fold(T0);
        var label = all.Labels.First(l => l.Label == "TP");
        var relabel = new LakeData();
        relabel.Labels.Add(label with { Label = "FP", RootCauseType = "B", LabeledAt = label.LabeledAt.AddDays(20), BatchId = "relabel", IngestedAt = LakeRow.Epoch.AddDays(60), SourceLine = 1 });
        landed.Publish(relabel, T0.AddMinutes(1));

        var (rollup, _) = warehouse.Fold(T0.AddMinutes(2));

        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
        Assert.Equal(1, warehouse.LastFoldCases);
        Assert.Equal(1, warehouse.LastFoldDays);
        AssertSameAsRebuild(lake.Root, rollup.Folder, "re-label");
        AssertServedEqualsRaw(warehouse, "re-label", filters: false);
    }

    [Fact]
    public void Fold_ManySmallFolds_WriteSegmentsThenMergeThem_AndAWideFoldMergesIntoTheBase()
    {
        var all = RandomLake.Generate(66, 1500);
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        landed.Publish(all, T0, "all");
        warehouse.Fold(T0);
        var labels = all.Labels.Where(l => l.Label is "TP" or "FP").DistinctBy(l => l.CaseId).ToList();
        string? folder = null;
        var maxSegments = 0;
        for (var i = 0; i < 15; i++)
        {
            // One re-label per fold: a segment of one case in cases, resolved_labels, ... each time.
            var label = labels[i];
            var relabel = new LakeData();
            relabel.Labels.Add(label with { Label = label.Label == "TP" ? "FP" : "TP", LabeledAt = label.LabeledAt.AddDays(10 + i), BatchId = $"relabel-{i}", IngestedAt = LakeRow.Epoch.AddDays(60 + i), SourceLine = 1 });
            landed.Publish(relabel, T0.AddMinutes(1 + i));
            (var rollup, _) = warehouse.Fold(T0.AddMinutes(1 + i).AddSeconds(30));
            Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
            Assert.Equal(1, warehouse.LastFoldCases);
            folder = rollup.Folder;
            var segments = Directory.GetFiles(folder, "cases.s*.parquet").Length;
            Assert.True(segments is >= 1 and <= 12, $"fold {i}: {segments} segments of cases");
            Assert.True(File.Exists(Path.Combine(folder, "cases.mask.parquet")), $"fold {i}: no mask");
            maxSegments = Math.Max(maxSegments, segments);
            if (i is 0 or 12)
            {
                AssertSameAsRebuild(lake.Root, folder, $"after small fold {i}");
            }
        }

        // Twelve segments at most: the thirteenth fold merged them into one (a 14th and 15th followed).
        Assert.Equal(12, maxSegments);
        Assert.Equal(3, Directory.GetFiles(folder!, "cases.s*.parquet").Length);
        AssertServedEqualsRaw(warehouse, "after small folds", filters: false);

        // A fold touching more than a tenth of the cases writes the table anew as its base: no segment, no mask.
        var wide = new LakeData();
        wide.Labels.AddRange(labels.Skip(20).Take(200).Select((l, n) => l with { Label = l.Label == "TP" ? "FP" : "TP", BatchId = "wide", IngestedAt = LakeRow.Epoch.AddDays(90), SourceLine = n + 1 }));
        landed.Publish(wide, T0.AddHours(1));
        var (merged, _) = warehouse.Fold(T0.AddHours(1).AddSeconds(30));
        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
        Assert.Empty(Directory.GetFiles(merged.Folder, "cases.s*.parquet"));
        Assert.False(File.Exists(Path.Combine(merged.Folder, "cases.mask.parquet")));
        AssertSameAsRebuild(lake.Root, merged.Folder, "after the wide fold");
        AssertServedEqualsRaw(warehouse, "after the wide fold", filters: false);
    }

    [Fact]
    public void Fold_ReviewMovedToAnotherCaseAndAuditMovedToAnotherReview_BothCasesRecomputed()
    {
        var all = RandomLake.Generate(70, 200);
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        landed.Publish(all, T0, "all");
        warehouse.Fold(T0);
        var reviewed = all.Reviews.Where(r => r.Decision is "pass" or "block").GroupBy(r => r.CaseId).First(g => g.Count() == 1).Single();
        var other = all.Decisions.First(d => d.CaseId != reviewed.CaseId && all.Reviews.All(r => r.CaseId != d.CaseId));
        var audit = all.QaAudits.First(a => a.ReviewId != reviewed.ReviewId);
        var target = all.Reviews.First(r => r.Decision is not null && r.CaseId != reviewed.CaseId && r.CaseId != other.CaseId
            && all.Reviews.Single(x => x.ReviewId == audit.ReviewId && x.Decision is not null).CaseId != r.CaseId);
        var late = new LakeData();
        var at = LakeRow.Epoch.AddDays(60);
        late.Reviews.Add(reviewed with { CaseId = other.CaseId, BatchId = "move", IngestedAt = at, SourceLine = 1 });
        late.QaAudits.Add(audit with { ReviewId = target.ReviewId, BatchId = "move", IngestedAt = at, SourceLine = 2 });
        landed.Publish(late, T0.AddMinutes(1));

        var (rollup, _) = warehouse.Fold(T0.AddMinutes(2));

        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
        AssertSameAsRebuild(lake.Root, rollup.Folder, "moved review and audit");
        Assert.True(warehouse.LastFoldCases == 4, $"{warehouse.LastFoldCases} cases recomputed");
        AssertServedEqualsRaw(warehouse, "moved review and audit", filters: false);
    }

    [Fact]
    public void Fold_OnlySopAndQuarantineBatches_NoCaseRecomputedAndCountsMove()
    {
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        landed.Publish(RandomLake.Generate(65, 120), T0, "all");
        warehouse.Fold(T0);
        var extra = new LakeData();
        extra.Sop.Add(new SopRow { CaseType = "ATO", ScenarioCode = "ATO.new", Covered = true, UpdatedAt = LakeRow.Epoch.AddDays(50), BatchId = "sop2" });
        extra.Quarantine.Add(new QuarantineRow { Kind = "labels", Line = 9, Reason = "label 'XX' is not TP, TN, FP or FN", BatchId = "sop2" });
        landed.Publish(extra, T0.AddMinutes(1));

        var (rollup, _) = warehouse.Fold(T0.AddMinutes(2));

        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
        Assert.Equal(0, warehouse.LastFoldCases);
        AssertSameAsRebuild(lake.Root, rollup.Folder, "sop and quarantine");
    }

    [Fact]
    public void Fold_CrashMidFold_PreviousVersionServesAndNextFoldIsRight()
    {
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        var landed = new ListedLake(lake);
        var all = RandomLake.Generate(66, 200);
        var parts = LakeBatches.Split(all).ToList();
        landed.Publish(parts[0], T0);
        var (before, _) = warehouse.Fold(T0);
        warehouse.ServePublishedRollup = true;
        var servedBefore = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf);
        foreach (var part in parts.Skip(1))
        {
            landed.Publish(part, T0.AddMinutes(1));
        }

        foreach (var step in new[] { "pending copied", "resolved", "snapshots", "daily", "before publish" })
        {
            warehouse.FoldStep = s =>
            {
                if (s == step)
                {
                    throw new IOException($"crash at {s}");
                }
            };
            var crash = Assert.Throws<IOException>(() => warehouse.Fold(T0.AddMinutes(2)));
            Assert.Equal($"crash at {step}", crash.Message);
            Assert.Equal(before.Folder, warehouse.LatestPublishedRollup()!.Folder);
            MetricAssert.Equal(servedBefore.Overall, warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall, "served after a crash at " + step);
            Assert.Empty(Directory.GetDirectories(Path.Combine(lake.Root, Warehouse.RollupFolder), ".staging-*"));
        }

        warehouse.FoldStep = null;
        var (after, built) = warehouse.Fold(T0.AddMinutes(3));
        Assert.True(built);
        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
        Assert.Equal(landed.Version, after.LakeVersion);
        AssertSameAsRebuild(lake.Root, after.Folder, "after crashes");
        AssertServedEqualsRaw(warehouse, "after crashes", filters: false);
    }

    [Fact]
    public void Fold_ConcurrentFoldsOfOneLake_OneBuildsTheOtherFindsItFresh()
    {
        using var lake = new TestLake();
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(RandomLake.Generate(67, 300)).ToList();
        landed.Publish(parts[0], T0);
        using (var first = Warehouse.Open(lake.Root))
        {
            first.Fold(T0);
        }

        foreach (var part in parts.Skip(1))
        {
            landed.Publish(part, T0.AddMinutes(1));
        }

        var results = new (PublishedRollup Rollup, bool Built, FoldKind Kind)[4];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i =>
        {
            using var w = Warehouse.Open(lake.Root);
            w.FoldRebuildShare = 1;
            var (rollup, built) = w.Fold(T0.AddMinutes(2 + i));
            results[i] = (rollup, built, w.LastFold);
        });

        Assert.Single(results, r => r.Built);
        Assert.All(results, r => Assert.Equal(landed.Version, r.Rollup.LakeVersion));
        Assert.Equal(FoldKind.Incremental, results.Single(r => r.Built).Kind);
        using var warehouse = Warehouse.Open(lake.Root);
        AssertSameAsRebuild(lake.Root, warehouse.LatestPublishedRollup()!.Folder, "concurrent folds");
    }

    [Fact]
    public void OldVersion_PinnedByAReader_KeptUntilTheReaderLetsGo()
    {
        using var lake = new TestLake();
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(RandomLake.Generate(71, 120)).ToList();
        landed.Publish(parts[0], T0);
        using var folder = Warehouse.Open(lake.Root);
        folder.FoldRebuildShare = 1;
        var (pinned, _) = folder.Fold(T0);
        var reader = Warehouse.Open(lake.Root);
        reader.ServePublishedRollup = true;
        var before = reader.GetThresholds(MetricFilters.None);
        Assert.True(reader.LastScopeFromRollup);

        // Three more versions: without the pin the oldest would go at the second (one older version is kept a round).
        for (var i = 1; i <= 3; i++)
        {
            landed.Publish(parts[i], T0.AddMinutes(i));
            folder.Fold(T0.AddMinutes(i));
        }

        Assert.True(Directory.Exists(pinned.Folder), "a version a reader has bound was removed");
        Assert.NotEmpty(before.ByCaseType);

        // The reader's next read binds the newest version and lets the old one go: the next fold removes it.
        reader.GetThresholds(MetricFilters.None);
        landed.Publish(parts[4], T0.AddMinutes(4));
        folder.Fold(T0.AddMinutes(4));
        Assert.False(Directory.Exists(pinned.Folder), "the version no reader holds any more was kept");
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(lake.Root, Warehouse.RollupFolder), "v*").Length);
        reader.Dispose();
    }

    [Fact]
    public async Task Readers_DuringFoldsAndCompactions_NeverFailAndNeverMixVersions()
    {
        var all = RandomLake.Generate(72, 400);
        using var lake = new TestLake();
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(all).ToList();
        parts.Add(LateRecords(all, 72, "late", 30));
        landed.Publish(parts[0], T0);
        using var folder = Warehouse.Open(lake.Root);
        folder.FoldRebuildShare = 1;
        folder.Fold(T0);

        // The figures of every published version, from several tables of it: daily (decisions, labels, QA audits),
        // daily_resolution (p50), daily_calibration (ECE) and daily_open (open cases). Doubles to 1e-9: parallel sums
        // differ in their last bits from one run to the next.
        static string Figures(MetricSet m) => FormattableString.Invariant(
            $"{m.Decisions}/{m.LabeledCases}/{m.Tp}/{m.QaAudits}/{m.OpenCases}/{m.ResolutionHoursP50:F9}/{m.Ece:F9}");
        var versions = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        using (var probe = Warehouse.Open(lake.Root))
        {
            probe.ServePublishedRollup = true;
            versions[Figures(probe.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall)] = true;
        }

        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            using var reader = Warehouse.Open(lake.Root);
            reader.ServePublishedRollup = true;
            var reads = 0;
            while (!stop.IsCancellationRequested || reads == 0)
            {
                seen.Add(Figures(reader.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall));
                reads++;
            }

            return reads;
        })).ToList();

        var random = new Random(72);
        for (var i = 1; i < parts.Count; i++)
        {
            landed.Publish(parts[i], T0.AddMinutes(i));
            landed.Compact(random);
            folder.Fold(T0.AddMinutes(i).AddSeconds(30));
            using var probe = Warehouse.Open(lake.Root);
            probe.ServePublishedRollup = true;
            versions[Figures(probe.GetMetrics(MetricFilters.None, RandomLake.AsOf).Overall)] = true;
        }

        await stop.CancelAsync();
        var counts = await Task.WhenAll(readers);

        Assert.All(counts, n => Assert.True(n > 0));
        Assert.True(versions.Count >= 3, $"only {versions.Count} distinct versions");
        Assert.All(seen, figures => Assert.True(versions.ContainsKey(figures), $"a reader saw {figures}, the figures of no published version"));
    }

    [Fact]
    public void Fold_ManifestsListNoFiles_RebuildsInstead()
    {
        using var lake = TestLake.Create(RandomLake.Generate(68, 60));
        TestManifests.Write(lake.Root, "b1", 1, T0);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        warehouse.Fold(T0);
        TestManifests.Write(lake.Root, "b2", 2, T0.AddMinutes(1));
        warehouse.Fold(T0.AddMinutes(2));
        Assert.Equal(FoldKind.Rebuild, warehouse.LastFold);
    }

    [Theory]
    [InlineData("erase")]
    [InlineData("replay")]
    public void Fold_PendingErasureOrReplay_RebuildsAndNamesIt(string operation)
    {
        using var lake = new TestLake();
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(RandomLake.Generate(67, 80)).ToList();
        landed.Publish(parts[0], T0);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.FoldRebuildShare = 1;
        warehouse.Fold(T0);
        landed.Publish(parts[1], T0.AddMinutes(1));
        landed.PublishEmpty("op-1", T0.AddMinutes(2), operation);

        var (rollup, built) = warehouse.Fold(T0.AddMinutes(3));

        Assert.True(built);
        Assert.Equal(FoldKind.Rebuild, warehouse.LastFold);
        Assert.Contains($"'{operation}'", warehouse.LastRebuildReason, StringComparison.Ordinal);
        Assert.Equal(landed.Version, rollup.LakeVersion);
        landed.Publish(parts[2], T0.AddMinutes(4));
        warehouse.Fold(T0.AddMinutes(5));
        Assert.Equal(FoldKind.Incremental, warehouse.LastFold);
    }

    [Fact]
    public void Fold_PendingHeavierThanTheRebuildShare_Rebuilds()
    {
        using var lake = new TestLake();
        var landed = new ListedLake(lake);
        var parts = LakeBatches.Split(RandomLake.Generate(69, 200)).ToList();
        landed.Publish(parts[0], T0);
        using var warehouse = Warehouse.Open(lake.Root);
        warehouse.Fold(T0);
        foreach (var part in parts.Skip(1))
        {
            landed.Publish(part, T0.AddMinutes(1));
        }

        warehouse.FoldRebuildShare = 0.01;
        warehouse.FoldAlwaysBytes = 0;
        warehouse.Fold(T0.AddMinutes(2));
        Assert.Equal(FoldKind.Rebuild, warehouse.LastFold);
        Assert.Throws<ArgumentOutOfRangeException>(() => warehouse.FoldRebuildShare = 1.5);
    }

    /// <summary>The served (published-rollup) figures equal the raw views', unfiltered and under filters.</summary>
    private static void AssertServedEqualsRaw(Warehouse warehouse, string context, bool filters)
    {
        MetricFilters[] all = filters
            ? [MetricFilters.None, new() { CaseTypes = ["ATO"], Vendors = ["V2"] }, new() { Weeks = ["2026-W48"] }]
            : [MetricFilters.None];
        foreach (var filter in all)
        {
            warehouse.UseRollups = true;
            warehouse.ServePublishedRollup = true;
            var folded = warehouse.GetMetrics(filter, RandomLake.AsOf);
            Assert.True(warehouse.LastScopeFromRollup, context);
            warehouse.UseRollups = false;
            var raw = warehouse.GetMetrics(filter, RandomLake.AsOf);
            MetricAssert.Equal(raw.Overall, folded.Overall, $"{context}, {filter}: folded vs raw");
            Assert.Equal(raw.ByCaseType.Count, folded.ByCaseType.Count);
            foreach (var (r, f) in raw.ByCaseType.Zip(folded.ByCaseType))
            {
                MetricAssert.Equal(r, f, $"{context}, {filter}, {r.CaseType}");
            }
        }

        warehouse.UseRollups = true;
    }

    /// <summary>
    /// Every table of <paramref name="folder"/> equals the one a rebuild writes on a copy of the lake's data and manifests:
    /// the same multiset of rows (doubles rounded to 9 decimals, since sums taken in another order differ in the last bits).
    /// </summary>
    private static void AssertSameAsRebuild(string lakeRoot, string folder, string context)
    {
        var copy = Path.Combine(Path.GetTempPath(), "riskops-sql-tests", "rebuild-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var file in Directory.EnumerateFiles(lakeRoot, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(lakeRoot, file);
                if (relative.StartsWith(Warehouse.RollupFolder, StringComparison.Ordinal) || relative.StartsWith("_journal", StringComparison.Ordinal))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
                File.Copy(file, Path.Combine(copy, relative));
            }

            string rebuilt;
            using (var reference = Warehouse.Open(copy))
            {
                rebuilt = reference.BuildRollups(T0);
            }

            using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
            connection.Open();
            // A rebuild writes each table as one base file; a folded version may add segments and masks to the per-case
            // tables (Warehouse.RollupRelation reads them as the table).
            static List<string> Tables(string dir) => Directory.GetFiles(dir, "*.parquet").Select(Path.GetFileNameWithoutExtension)
                .Where(t => !t!.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()!;
            var tables = Tables(rebuilt);
            Assert.Equal(tables, Tables(folder));
            foreach (var table in tables)
            {
                var a = Warehouse.RollupRelation(folder, table);
                var b = Warehouse.RollupRelation(rebuilt, table);
                var columns = new List<string>();
                using (var describe = connection.CreateCommand())
                {
                    describe.CommandText = $"describe select * from {b}";
                    using var reader = describe.ExecuteReader();
                    while (reader.Read())
                    {
                        var name = reader.GetString(0);
                        var type = reader.GetString(1);
                        columns.Add(type is "DOUBLE" or "FLOAT" ? $"round(\"{name}\", 9) + 0.0 as \"{name}\"" : $"\"{name}\"");
                    }
                }

                var select = string.Join(", ", columns);
                using var command = connection.CreateCommand();
                command.CommandText = $"""
                    select
                        (select count(*) from (select {select} from {a} except all select {select} from {b})) as only_folded,
                        (select count(*) from (select {select} from {b} except all select {select} from {a})) as only_rebuilt,
                        (select count(*) from {b}) as rows
                    """;
                using var result = command.ExecuteReader();
                Assert.True(result.Read());
                var onlyFolded = Convert.ToInt64(result.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                var onlyRebuilt = Convert.ToInt64(result.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(onlyFolded == 0 && onlyRebuilt == 0, $"{context}: {table} differs from the rebuild ({onlyFolded} rows only folded, {onlyRebuilt} only rebuilt, of {result.GetValue(2)})");
            }
        }
        finally
        {
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    /// <summary>
    /// Records arriving late, in one batch: re-labels (some flipping), reviews resolving open cases, a review moved to
    /// another case, QA audits of old reviews and a re-delivered verdict, a re-scored decision, a label and a review of a
    /// case not decided yet (orphans), its decision later in the same batch set, quarantined rows and an SOP update.
    /// </summary>
    private static LakeData LateRecords(LakeData data, int seed, string batch, int days)
    {
        var random = new Random(seed + 1000);
        var late = new LakeData();
        var at = LakeRow.Epoch.AddDays(days);
        var line = 1L;
        LakeRow Lineage(LakeRow row) => row with { BatchId = batch, IngestedAt = at, SourceLine = line++ };
        foreach (var label in data.Labels.Where(_ => random.Next(6) == 0).Take(30))
        {
            var flipped = label.Label switch { "TP" => "FP", "FP" => "TP", "TN" => "FN", _ => "TN" };
            late.Labels.Add((LabelRow)Lineage(label with { Label = flipped, RootCauseType = flipped is "FP" or "FN" ? "B" : null, LabeledAt = label.LabeledAt.AddDays(9) }));
        }

        foreach (var review in data.Reviews.Where(r => r.Decision is null).Take(10))
        {
            late.Reviews.Add((ReviewRow)Lineage(review with { ResolvedAt = review.AssignedAt.AddHours(random.Next(1, 30)), Decision = random.Next(2) == 0 ? "pass" : "block" }));
        }

        if (data.Reviews.Where(r => r.Decision is not null).Skip(random.Next(5)).FirstOrDefault() is { } moved
            && data.Decisions.Select(d => d.CaseId).FirstOrDefault(c => c != moved.CaseId) is { } other)
        {
            late.Reviews.Add((ReviewRow)Lineage(moved with { CaseId = other }));
        }

        foreach (var review in data.Reviews.Where(_ => random.Next(5) == 0).Take(20))
        {
            late.QaAudits.Add((QaAuditRow)Lineage(new QaAuditRow { AuditId = $"{batch}-{review.ReviewId}", ReviewId = review.ReviewId, AuditedAt = at, Verdict = random.Next(3) == 0 ? "incorrect" : "correct" }));
        }

        if (data.QaAudits.Skip(random.Next(3)).FirstOrDefault() is { } audit)
        {
            late.QaAudits.Add((QaAuditRow)Lineage(audit with { Verdict = audit.Verdict == "correct" ? "incorrect" : "correct" }));
        }

        late.QaAudits.Add((QaAuditRow)Lineage(new QaAuditRow { AuditId = $"{batch}-orphan-audit", ReviewId = $"{batch}-missing-review", AuditedAt = at, Verdict = "correct" }));
        late.Labels.Add((LabelRow)Lineage(new LabelRow { CaseId = $"{batch}-undecided", Label = "TN", LabeledAt = at }));
        late.Reviews.Add((ReviewRow)Lineage(new ReviewRow { ReviewId = $"{batch}-undecided-review", CaseId = $"{batch}-undecided", AssignedAt = at.AddHours(-3), ResolvedAt = at.AddHours(-1), Decision = "pass" }));
        if (batch == "late2")
        {
            // The case late1 labelled before it was decided gets its decision now: its label stops being an orphan.
            late.Decisions.Add((DecisionRow)Lineage(new DecisionRow { CaseId = "late1-undecided", ScoredAt = at.AddDays(-2) }));
        }

        late.Quarantine.Add(new QuarantineRow { Kind = "reviews", Line = 4, Reason = "decision 'maybe' is not pass, block or escalate", BatchId = batch });
        late.Sop.Add((SopRow)Lineage(new SopRow { CaseType = "ATO", ScenarioCode = $"ATO.{batch}", Covered = false, UpdatedAt = at }));
        foreach (var decision in data.Decisions.Where(d => d.Experiment is not null).Take(2))
        {
            late.Decisions.Add((DecisionRow)Lineage(decision with { ScoredAt = decision.ScoredAt.AddDays(random.Next(0, 3)).AddMinutes(1), AiDecision = decision.AiDecision == "pass" ? "block" : "pass" }));
        }

        return late;
    }

    /// <summary>
    /// A test lake written as the ETL writes one: each batch's files, then its manifest listing them with the next lake
    /// version; compaction merges a partition's files into one <c>part-compacted-*</c> file without a manifest.
    /// </summary>
    private sealed class ListedLake(TestLake lake)
    {
        private static readonly string[] DataFolders = ["decisions", "reviews", "labels", "qa_audits", "sop_coverage", "quarantine"];

        public long Version { get; private set; }

        public void Publish(LakeData part, DateTimeOffset at, string? batchId = null)
        {
            var before = Files();
            lake.Write(part);
            var added = Files().Except(before).Order(StringComparer.Ordinal).ToList();
            var batch = new[] { part.Decisions.Select(r => r.BatchId), part.Reviews.Select(r => r.BatchId), part.Labels.Select(r => r.BatchId),
                    part.QaAudits.Select(r => r.BatchId), part.Sop.Select(r => r.BatchId), part.Quarantine.Select(r => r.BatchId) }
                .SelectMany(b => b).Distinct(StringComparer.Ordinal).ToList() is [var one] ? one : batchId ?? throw new ArgumentException("a part of several batches needs a batch id");
            Manifest(batch, at, added.Where(f => !f.StartsWith("quarantine/", StringComparison.Ordinal)).ToList(), added.Where(f => f.StartsWith("quarantine/", StringComparison.Ordinal)).ToList());
        }

        public void PublishEmpty(string batch, DateTimeOffset at, string? operation = null) => Manifest(batch, at, [], [], operation);

        /// <summary>Compacts one random partition with more than one file, keeping every column (lineage included).</summary>
        public void Compact(Random random)
        {
            var partitions = Files().Where(f => !f.StartsWith("quarantine/", StringComparison.Ordinal))
                .GroupBy(f => f[..f.LastIndexOf('/')]).Where(g => g.Count() > 1).Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
            if (partitions.Count == 0)
            {
                return;
            }

            var partition = Path.Combine(lake.Root, partitions[random.Next(partitions.Count)]);
            var files = Directory.GetFiles(partition, "*.parquet");
            var target = Path.Combine(partition, $"part-compacted-{Guid.NewGuid():N}.parquet");
            using (var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                var list = string.Join(", ", files.Select(f => "'" + f.Replace("'", "''", StringComparison.Ordinal) + "'"));
                command.CommandText = $"copy (select * exclude (dt) from read_parquet([{list}], hive_partitioning = true, union_by_name = true)) to '{target.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)";
                command.ExecuteNonQuery();
            }

            foreach (var file in files)
            {
                File.Delete(file);
            }
        }

        private void Manifest(string batch, DateTimeOffset at, IReadOnlyList<string> files, IReadOnlyList<string> quarantine, string? operation = null)
        {
            Version++;
            var folder = Path.Combine(lake.Root, "_manifests");
            Directory.CreateDirectory(folder);
            var manifest = new Dictionary<string, object?>
            {
                ["batch_id"] = batch,
                ["kind"] = "decisions",
                ["source"] = "test",
                ["ingested_at"] = at,
                ["files"] = files,
                ["quarantine_files"] = quarantine,
                ["lake_version"] = Version,
                ["published_at"] = at,
            };
            if (operation is not null)
            {
                manifest["operation"] = operation;
            }

            File.WriteAllText(Path.Combine(folder, batch + ".json"), JsonSerializer.Serialize(manifest));
        }

        private HashSet<string> Files() =>
            DataFolders.Select(f => Path.Combine(lake.Root, f)).Where(Directory.Exists)
                .SelectMany(f => Directory.EnumerateFiles(f, "*.parquet", SearchOption.AllDirectories))
                .Select(f => Path.GetRelativePath(lake.Root, f).Replace('\\', '/'))
                .ToHashSet(StringComparer.Ordinal);
    }
}
