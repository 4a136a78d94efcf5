using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using Xunit.Abstractions;

namespace RiskOps.Etl.Tests.Demo;

public sealed class DemoGeneratorTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 15, 42, 7, TimeSpan.Zero));

    private static DemoDataSet Data(int cases, int seed = 42) =>
        DemoDataSet.Create(new DemoOptions(Cases: cases, Seed: seed, AsOf: AsOf), Clock);

    [Fact]
    public void Create_NoAsOf_UsesClockRoundedDownToUtcDay()
    {
        var data = DemoDataSet.Create(new DemoOptions(Cases: 10, Weeks: 8), Clock);

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), data.To);
        Assert.Equal(new DateTimeOffset(2026, 9, 28, 0, 0, 0, TimeSpan.Zero), data.From);
    }

    [Fact]
    public void Create_AsOfWithOffset_IsTheSameInstantInUtc()
    {
        var data = DemoDataSet.Create(new DemoOptions(Cases: 10, AsOf: new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(8))), Clock);

        Assert.Equal(TimeSpan.Zero, data.To.Offset);
        Assert.Equal(AsOf, data.To);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(100, 0)]
    public void Create_OutOfRange_Throws(int cases, int weeks) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoDataSet.Create(new DemoOptions(Cases: cases, Weeks: weeks), Clock));

    [Fact]
    public void Rows_SameSeed_AreIdentical()
    {
        var first = Flatten(Data(3000).Rows());
        var second = Flatten(Data(3000).Rows());

        Assert.Equal(first.Count, second.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Rows_OtherSeed_Differ()
    {
        var first = Flatten(Data(2000, seed: 42).Rows(RecordKind.Decisions));
        var second = Flatten(Data(2000, seed: 43).Rows(RecordKind.Decisions));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Rows_OneKind_EqualsThatKindOfAllRows()
    {
        var data = Data(3000);
        var all = data.Rows().ToList();
        foreach (var kind in RecordKinds.All)
        {
            Assert.Equal(Flatten(all.Where(r => r.Kind == kind)), Flatten(data.Rows(kind)));
        }
    }

    [Theory]
    [InlineData(3000, 42)]
    [InlineData(20000, 42)]
    [InlineData(5000, 7)]
    public void Rows_Every_IsContractValid(int cases, int seed)
    {
        var data = Data(cases, seed);
        var problems = data.Rows().Select(r => (Row: r, Problem: ContractCheck.Problem(r, data.To))).Where(x => x.Problem is not null).Take(5).ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems.Select(p => $"{p.Problem}: {string.Join(", ", p.Row.Select(kv => $"{kv.Key}={kv.Value}"))}")));
    }

    [Fact]
    public void Rows_AllFiveKinds_ArePresentInPlausibleProportions()
    {
        var counts = Data(20000).Rows().GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));

        Assert.Equal(20000, counts[RecordKind.Decisions]);
        Assert.InRange(counts[RecordKind.Reviews], 2500, 5000);
        Assert.InRange(counts[RecordKind.Labels], 3500, 6500);
        Assert.InRange(counts[RecordKind.QaAudits], 500, 1500);
        Assert.Equal(24, counts[RecordKind.SopCoverage]);
    }

    [Fact]
    public void BadRows_Every_BreaksTheContract()
    {
        var data = Data(100);
        var bad = data.BadRows().ToList();

        Assert.Equal(RecordKinds.All.ToHashSet(), bad.Select(r => r.Kind).ToHashSet());
        Assert.All(bad, row => Assert.NotNull(ContractCheck.Problem(row, data.To)));
    }

    [Fact]
    public void Decisions_Routing_IsManualExactlyWhenConfidenceBelowThreshold()
    {
        var decisions = Data(20000).Rows(RecordKind.Decisions).ToList();
        var manual = 0;
        foreach (var row in decisions)
        {
            var expected = (double)row["confidence"]! < (double)row["threshold"]! ? "manual" : "auto";
            Assert.Equal(expected, row["routing"]);
            manual += expected == "manual" ? 1 : 0;
        }

        // Mostly automated, with a real manual tail.
        Assert.InRange(manual / (double)decisions.Count, 0.06, 0.2);
        var thresholds = DemoScenario.CaseTypes.ToDictionary(c => c.Name, c => c.Threshold);
        Assert.All(decisions, row => Assert.Equal(thresholds[(string)row["case_type"]!], row["threshold"]));
    }

    [Fact]
    public void Decisions_ScoredAt_SpanTheWeeksBeforeAsOfWithTwoModels()
    {
        var data = Data(20000);
        var decisions = data.Rows(RecordKind.Decisions).ToList();
        var scored = decisions.Select(r => (DateTimeOffset)r["scored_at"]!).ToList();

        Assert.True(scored.Min() >= data.From);
        Assert.True(scored.Max() < data.To);
        Assert.True(scored.Min() < data.From.AddDays(1));
        Assert.True(scored.Max() > data.To.AddDays(-1));
        var switchAt = data.From + ((data.To - data.From) * DemoScenario.ModelSwitchFraction);
        Assert.All(decisions, r => Assert.Equal((DateTimeOffset)r["scored_at"]! < switchAt ? DemoScenario.OldModel : DemoScenario.NewModel, r["model_version"]));
    }

    [Theory]
    [InlineData(3000, 42)]
    [InlineData(20000, 42)]
    [InlineData(3000, 1)]
    [InlineData(3000, 2)]
    [InlineData(3000, 3)]
    [InlineData(20000, 7)]
    public void Clusters_PlantedPattern_RanksFirstForItsCaseTypeAndLabel(int cases, int seed)
    {
        var clusters = ClusterCheck.Compute(Data(cases, seed).Rows());
        foreach (var pattern in DemoScenario.PlantedPatterns)
        {
            var ranked = clusters.Where(c => c.CaseType == pattern.CaseType && c.Label == pattern.Label).ToList();
            output.WriteLine($"{pattern.CaseType} {pattern.Label}: " + string.Join(" | ", ranked.Take(4).Select(c => c.ToString())));

            Assert.NotEmpty(ranked);
            var top = ranked[0];
            Assert.Equal(pattern.Signals.Order(StringComparer.Ordinal), top.Signals);
            Assert.True(top.Support >= 5, $"support {top.Support}");
            Assert.Equal(pattern.RootCauseType, top.RootCauseType);
            Assert.Equal(pattern.RootCauseCode, top.RootCauseCode);
            // Clearly the planted one: far ahead of any cluster that shares none of its signals.
            var unrelated = ranked.FirstOrDefault(c => !c.Signals.Intersect(top.Signals).Any());
            if (unrelated is not null)
            {
                Assert.True(top.Excess >= 2 * Math.Max(unrelated.Excess, 1), $"planted excess {top.Excess:F1} vs unrelated {unrelated}");
            }
        }
    }

    [Fact]
    public void Clusters_DefaultSize_PlantedSupportIsSubstantial()
    {
        var clusters = ClusterCheck.Compute(Data(20000).Rows());
        foreach (var pattern in DemoScenario.PlantedPatterns)
        {
            var top = clusters.First(c => c.CaseType == pattern.CaseType && c.Label == pattern.Label);
            output.WriteLine(top.ToString());
            Assert.InRange(top.Support, 60, 2000);
            Assert.True(top.Lift > 1.5, $"lift {top.Lift:F2}");
        }
    }

    [Fact]
    public void Reviews_KeyUserManualCases_AreMostlyButNotAllEscalatedOrSeniorReviewed()
    {
        var rows = Data(20000).Rows().ToList();
        var keyManual = rows.Where(r => r.Kind == RecordKind.Decisions && (string)r["routing"]! == "manual" && (int)r["priority"]! >= 75)
            .Select(r => (string)r["case_id"]!).ToHashSet();
        var compliant = rows.Where(r => r.Kind == RecordKind.Reviews && keyManual.Contains((string)r["case_id"]!)
                && ((string?)r["decision"] == "escalate" || (string)r["reviewer_tier"]! is "senior" or "lead"))
            .Select(r => (string)r["case_id"]!).ToHashSet();

        var share = compliant.Count / (double)keyManual.Count;
        output.WriteLine($"key-user manual cases {keyManual.Count}, compliant {share:P1}");
        Assert.InRange(share, 0.70, 0.97);
    }

    [Fact]
    public void QaAudits_DriftingVendor_AccuracyFallsOverTheWeeks()
    {
        var data = Data(20000);
        var rows = data.Rows().ToList();
        var vendorOf = rows.Where(r => r.Kind == RecordKind.Reviews).ToDictionary(r => (string)r["review_id"]!, r => (string?)r["vendor"]);
        var third = (data.To - data.From) / 3;
        double Accuracy(Func<DateTimeOffset, bool> when, string vendor)
        {
            var audits = rows.Where(r => r.Kind == RecordKind.QaAudits && vendorOf[(string)r["review_id"]!] == vendor && when((DateTimeOffset)r["audited_at"]!)).ToList();
            return audits.Count(a => (string)a["verdict"]! == "correct") / (double)audits.Count;
        }

        var early = Accuracy(t => t < data.From + third, DemoScenario.DriftingVendor);
        var late = Accuracy(t => t >= data.To - third, DemoScenario.DriftingVendor);
        var steady = Accuracy(t => t >= data.To - third, "AtlasCX");
        output.WriteLine($"{DemoScenario.DriftingVendor}: first third {early:P1}, last third {late:P1}; AtlasCX last third {steady:P1}");
        Assert.True(late < early - 0.06, $"early {early:P1}, late {late:P1}");
        Assert.True(steady > late + 0.04, $"AtlasCX {steady:P1}, {DemoScenario.DriftingVendor} {late:P1}");
    }

    [Fact]
    public void Labels_Relabelled_LaterLabelIsTheTruthAndAuditSamplesCarryWeights()
    {
        var labels = Data(20000).Rows(RecordKind.Labels).ToList();
        var relabelled = labels.GroupBy(r => (string)r["case_id"]!).Where(g => g.Count() > 1).ToList();

        Assert.NotEmpty(relabelled);
        Assert.All(relabelled, g =>
        {
            var ordered = g.OrderBy(r => (DateTimeOffset)r["labeled_at"]!).ToList();
            Assert.NotEqual(ordered[0]["label"], ordered[^1]["label"]);
        });
        var samples = labels.Where(r => (string?)r["label_source"] == "audit_sample").ToList();
        Assert.NotEmpty(samples);
        Assert.All(samples, r => Assert.Equal(10.0, r["sample_weight"]));
        Assert.Contains(labels, r => (string?)r["label_source"] == "complaint");
        Assert.Contains(labels, r => (string?)r["label_source"] == "chargeback");
    }

    [Fact]
    public void SopCoverage_PlantedGap_IsNotCoveredAndFinalCoverageIsBelowTarget()
    {
        var sop = Data(10).Rows(RecordKind.SopCoverage).ToList();
        var latest = sop.GroupBy(r => ((string)r["case_type"]!, (string)r["scenario_code"]!))
            .Select(g => g.OrderBy(r => (DateTimeOffset)r["updated_at"]!).Last()).ToList();

        Assert.Equal(23, latest.Count);
        Assert.Equal(18, latest.Count(r => (bool)r["covered"]!));
        Assert.Contains(latest, r => (string)r["scenario_code"]! == "WITHDRAWAL.mule_pattern_unhandled" && !(bool)r["covered"]!);
        Assert.DoesNotContain(latest, r => (string)r["scenario_code"]! == "POA.foreign_utility_bill");
    }

    [Theory]
    [InlineData(RecordFormat.Csv)]
    [InlineData(RecordFormat.Ndjson)]
    public void Write_Files_DuckDbReadsBackEveryRowAndValue(RecordFormat format)
    {
        var dir = Path.Combine(Path.GetTempPath(), "riskops-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = Data(2000);
            var files = DemoFileWriter.Write(data, dir, format, kinds: null, withBadRecords: false, progress: null, CancellationToken.None);
            Assert.Equal(5, files.Count);

            var decisions = files.Single(f => f.Kind == RecordKind.Decisions);
            Assert.Equal(2000, decisions.Rows);
            var reader = format == RecordFormat.Csv
                ? $"read_csv('{decisions.Path}', header = true, auto_detect = true)"
                : $"read_json('{decisions.Path}', format = 'newline_delimited')";
            var result = DuckDbCheck.Query(
                $"select count(*)::int as n, sum(confidence)::double as conf, count(distinct case_id)::int as ids, " +
                $"min(epoch(scored_at::timestamptz))::bigint::varchar as first from {reader}");
            var expected = data.Rows(RecordKind.Decisions).ToList();
            var row = result[0];
            Assert.Equal(2000, row.GetProperty("n").GetInt32());
            Assert.Equal(2000, row.GetProperty("ids").GetInt32());
            Assert.Equal(expected.Sum(r => (double)r["confidence"]!), row.GetProperty("conf").GetDouble(), 6);
            Assert.Equal(expected.Min(r => (DateTimeOffset)r["scored_at"]!).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), row.GetProperty("first").GetString());

            foreach (var file in files)
            {
                var count = DuckDbCheck.Query(format == RecordFormat.Csv
                    ? $"select count(*)::int as n from read_csv('{file.Path}', header = true, all_varchar = true)"
                    : $"select count(*)::int as n from read_json('{file.Path}', format = 'newline_delimited')");
                Assert.Equal(file.Rows, count[0].GetProperty("n").GetInt32());
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task RunAsync_SmallDemo_LandsEverythingQuarantinesNothingAndRerunIsNoOp()
    {
        var lake = Path.Combine(Path.GetTempPath(), "riskops-demo-lake-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pipeline = Pipeline(lake);
            var options = new DemoOptions(Cases: 3000, Seed: 42, Weeks: 4, AsOf: AsOf);
            var lines = new List<string>();

            var first = await DemoGenerator.RunAsync(pipeline, options, Clock, new SyncProgress(lines), CancellationToken.None);

            Assert.Equal(0, first.Quarantined);
            Assert.Equal(first.TotalRows, first.Landed);
            Assert.Equal(3000, first.RowsPerKind[RecordKind.Decisions]);
            Assert.Equal(AsOf, first.To);
            Assert.Equal(AsOf.AddDays(-28), first.From);
            Assert.Equal(3, first.PlantedPatterns.Count);
            Assert.Contains(lines, l => l.StartsWith("decisions chunk 1", StringComparison.Ordinal));
            var counts = DuckDbCheck.Query(
                $"select (select count(*) from read_parquet('{lake}/decisions/**/*.parquet', hive_partitioning = true))::int as decisions, " +
                $"(select count(*) from read_parquet('{lake}/labels/**/*.parquet', hive_partitioning = true))::int as labels, " +
                $"(select count(distinct user_id) filter (where user_id like 'usr_%') from read_parquet('{lake}/decisions/**/*.parquet', hive_partitioning = true))::int as clear_ids")[0];
            Assert.Equal(3000, counts.GetProperty("decisions").GetInt32());
            Assert.Equal(first.RowsPerKind[RecordKind.Labels], counts.GetProperty("labels").GetInt32());
            Assert.Equal(0, counts.GetProperty("clear_ids").GetInt32());
            Assert.False(Directory.Exists(Path.Combine(lake, "quarantine")) && Directory.EnumerateFiles(Path.Combine(lake, "quarantine"), "*.parquet", SearchOption.AllDirectories).Any());

            var again = await DemoGenerator.RunAsync(Pipeline(lake), options, Clock, null, CancellationToken.None);

            Assert.Equal(0, again.Landed);
            Assert.Equal(first.TotalRows, again.Duplicates);
            Assert.Equal(3000, DuckDbCheck.Query($"select count(*)::int as n from read_parquet('{lake}/decisions/**/*.parquet')")[0].GetProperty("n").GetInt32());
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    [Fact]
    public async Task RunAsync_WithBadRecords_QuarantinesExactlyTheBrokenOnes()
    {
        var lake = Path.Combine(Path.GetTempPath(), "riskops-demo-lake-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new DemoOptions(Cases: 300, Seed: 5, Weeks: 2, AsOf: AsOf, WithBadRecords: true);
            var bad = DemoDataSet.Create(options, Clock).BadRows().ToList();

            var summary = await DemoGenerator.RunAsync(Pipeline(lake), options, Clock, null, CancellationToken.None);

            Assert.Equal(bad.Count, summary.Quarantined);
            Assert.Equal(summary.TotalRows, summary.Landed);
            var quarantine = DuckDbCheck.Query(
                $"select count(*)::int as n, count(*) filter (where raw like '%usr_bad_%')::int as clear from read_parquet('{lake}/quarantine/**/*.parquet', hive_partitioning = true)")[0];
            Assert.Equal(bad.Count, quarantine.GetProperty("n").GetInt32());
            Assert.Equal(0, quarantine.GetProperty("clear").GetInt32());
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    private static IngestPipeline Pipeline(string lake) =>
        new(new LakeOptions { Root = lake, HashKey = "demo-tests-hash-key" }, Clock, NullLogger<IngestPipeline>.Instance);

    /// <summary>Collects progress lines synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }

    private static List<string> Flatten(IEnumerable<DemoRow> rows) =>
        rows.Select(r => r.Kind + ":" + string.Join(";", r.Values.Select(v => DemoFileWriter.FormatCsvValue(v)))).ToList();
}

/// <summary>An independent reading of contract §1's validity rules, to check the generator.</summary>
internal static class ContractCheck
{
    private static readonly HashSet<string> CaseTypes = ["KYC_AUDIT", "ATO", "RESET_2FA", "POA_REVIEW", "WITHDRAWAL_ANOMALY"];

    public static string? Problem(DemoRow row, DateTimeOffset asOf)
    {
        string? Str(string f) => row.TryGetValue(f, out var v) ? v as string : null;
        bool Has(string f) => row.TryGetValue(f, out var v) && v is not null && (v is not string s || s.Length > 0);
        bool Time(string f, bool required)
        {
            if (!row.TryGetValue(f, out var v) || v is null)
            {
                return !required;
            }

            return v is DateTimeOffset t && t.Offset == TimeSpan.Zero && t <= asOf;
        }

        switch (row.Kind)
        {
            case RecordKind.Decisions:
                foreach (var f in new[] { "case_id", "case_type", "model_version", "user_id" })
                {
                    if (!Has(f))
                    {
                        return $"missing {f}";
                    }
                }

                if (!CaseTypes.Contains(Str("case_type")!))
                {
                    return "case_type";
                }

                if (!Time("scored_at", true))
                {
                    return "scored_at";
                }

                if (Str("ai_decision") is not ("pass" or "block"))
                {
                    return "ai_decision";
                }

                if (row["confidence"] is not double c || c is < 0 or > 1 || row["threshold"] is not double th || th is < 0 or > 1)
                {
                    return "confidence/threshold";
                }

                if (Str("routing") is not ("auto" or "manual"))
                {
                    return "routing";
                }

                if (row["priority"] is not int p || p is < 0 or > 100)
                {
                    return "priority";
                }

                return row["signals"] is null or IEnumerable<string> ? null : "signals";
            case RecordKind.Reviews:
                foreach (var f in new[] { "review_id", "case_id", "reviewer_id" })
                {
                    if (!Has(f))
                    {
                        return $"missing {f}";
                    }
                }

                if (Str("reviewer_org") is not ("INHOUSE" or "BPO") || (Str("reviewer_org") == "BPO" && !Has("vendor")))
                {
                    return "org/vendor";
                }

                if (Str("reviewer_tier") is not ("agent" or "senior" or "lead"))
                {
                    return "tier";
                }

                if (!Time("assigned_at", true) || !Time("resolved_at", false))
                {
                    return "times";
                }

                if (row["resolved_at"] is DateTimeOffset r && r < (DateTimeOffset)row["assigned_at"]!)
                {
                    return "resolved before assigned";
                }

                if ((row["resolved_at"] is null) != (row["decision"] is null))
                {
                    return "open review with decision";
                }

                return Str("decision") is null or "pass" or "block" or "escalate" ? null : "decision";
            case RecordKind.Labels:
                if (!Has("case_id") || !Has("labeled_by") || !Time("labeled_at", true))
                {
                    return "missing";
                }

                if (Str("label") is not ("TP" or "TN" or "FP" or "FN"))
                {
                    return "label";
                }

                if (Str("label_source") is not (null or "review" or "audit_sample" or "chargeback" or "complaint" or "other"))
                {
                    return "label_source";
                }

                if (Str("label") is "FP" or "FN" && Str("root_cause_type") is not ("A" or "B" or "C"))
                {
                    return "root cause";
                }

                return Str("root_cause_type") is null or "A" or "B" or "C" ? null : "root cause type";
            case RecordKind.QaAudits:
                if (!Has("audit_id") || !Has("review_id") || !Has("auditor_id") || !Time("audited_at", true))
                {
                    return "missing";
                }

                return Str("verdict") is "correct" or "incorrect" ? null : "verdict";
            case RecordKind.SopCoverage:
                if (!Has("case_type") || !Has("scenario_code") || row["covered"] is not bool || !Time("updated_at", true))
                {
                    return "missing";
                }

                return null;
            default:
                return "kind";
        }
    }
}

/// <summary>A cluster per contract §2, computed independently of the warehouse SQL.</summary>
internal sealed record ClusterRow(string CaseType, string Label, string[] Signals, int Support, int Cases, double Excess, double Lift, string? RootCauseType, string? RootCauseCode)
{
    public override string ToString() =>
        $"{{{string.Join(",", Signals)}}} support {Support} cases {Cases} excess {Excess:F1} lift {Lift:F2} {RootCauseType} {RootCauseCode}";
}

internal static class ClusterCheck
{
    public static List<ClusterRow> Compute(IEnumerable<DemoRow> rows)
    {
        var decisions = new Dictionary<string, (string Type, string[] Signals)>();
        var labels = new Dictionary<string, (DateTimeOffset At, string Label, string? Rct, string? Rcc)>();
        foreach (var row in rows)
        {
            if (row.Kind == RecordKind.Decisions)
            {
                decisions[(string)row["case_id"]!] = ((string)row["case_type"]!, ((IEnumerable<string>?)row["signals"] ?? []).Distinct().Order(StringComparer.Ordinal).ToArray());
            }
            else if (row.Kind == RecordKind.Labels)
            {
                var id = (string)row["case_id"]!;
                var at = (DateTimeOffset)row["labeled_at"]!;
                if (!labels.TryGetValue(id, out var existing) || at >= existing.At)
                {
                    labels[id] = (at, (string)row["label"]!, (string?)row["root_cause_type"], (string?)row["root_cause_code"]);
                }
            }
        }

        var labeled = labels.Where(l => decisions.ContainsKey(l.Key))
            .Select(l => (Type: decisions[l.Key].Type, Signals: decisions[l.Key].Signals, l.Value.Label, l.Value.Rct, l.Value.Rcc)).ToList();
        var result = new List<ClusterRow>();
        foreach (var byType in labeled.GroupBy(l => l.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var error in new[] { "FP", "FN" })
            {
                var all = byType.ToList();
                var rate = all.Count(l => l.Label == error) / (double)all.Count;
                var stats = new Dictionary<string, (string[] Set, int Cases, int Support, List<(string? T, string? C)> Causes)>();
                foreach (var l in all)
                {
                    foreach (var set in Subsets(l.Signals))
                    {
                        var key = string.Join("\u0001", set);
                        if (!stats.TryGetValue(key, out var s))
                        {
                            s = (set, 0, 0, []);
                        }

                        s.Cases++;
                        if (l.Label == error)
                        {
                            s.Support++;
                            s.Causes.Add((l.Rct, l.Rcc));
                        }

                        stats[key] = s;
                    }
                }

                var ranked = stats.Values.Where(s => s.Support >= 5)
                    .Select(s => (s.Set, s.Cases, s.Support, s.Causes, Excess: s.Support - (s.Cases * rate)))
                    .OrderByDescending(s => s.Excess).ThenBy(s => s.Set.Length).ThenBy(s => string.Join(",", s.Set), StringComparer.Ordinal)
                    .ToList();
                var shown = new List<string[]>();
                foreach (var s in ranked)
                {
                    if (shown.Count == 10)
                    {
                        break;
                    }

                    if (shown.Any(prev => prev.All(s.Set.Contains)))
                    {
                        continue;
                    }

                    shown.Add(s.Set);
                    var rct = s.Causes.Where(c => c.T is not null).GroupBy(c => c.T).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    var rcc = s.Causes.Where(c => c.T == rct && c.C is not null).GroupBy(c => c.C).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    result.Add(new ClusterRow(byType.Key, error, s.Set, s.Support, s.Cases, s.Excess, s.Support / (double)s.Cases / rate, rct, rcc));
                }
            }
        }

        return result;
    }

    private static IEnumerable<string[]> Subsets(string[] signals)
    {
        for (var a = 0; a < signals.Length; a++)
        {
            yield return [signals[a]];
            for (var b = a + 1; b < signals.Length; b++)
            {
                yield return [signals[a], signals[b]];
                for (var c = b + 1; c < signals.Length; c++)
                {
                    yield return [signals[a], signals[b], signals[c]];
                }
            }
        }
    }
}

/// <summary>Runs SQL in the independent DuckDB (tools/duckdb-check, DuckDB's Node client).</summary>
internal static class DuckDbCheck
{
    public static JsonElement[] Query(string sql)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoRoot(), "tools", "duckdb-check", "query.mjs"));
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return JsonSerializer.Deserialize<JsonElement[]>(stdout.Result)!;
    }

    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "")
    {
        // Builds may go to an artifacts folder outside the repository, so also try the working folder and this source file.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), Path.GetDirectoryName(sourceFile) ?? "" })
        {
            var dir = start.Length == 0 ? null : new DirectoryInfo(start);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RiskOps.Analytics.sln")))
            {
                dir = dir.Parent;
            }

            if (dir is not null)
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RiskOps.Analytics.sln not found above the test folder");
    }
}
