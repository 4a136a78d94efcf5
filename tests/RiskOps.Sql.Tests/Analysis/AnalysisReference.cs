using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>
/// An independent LINQ implementation of the threshold sweep and the FP/FN pattern clusters, written from the contract's
/// §2 text (not from the SQL): it compares confidences with t = k / 100.0 directly, counts signal sets by enumerating
/// every subset of every case in a dictionary, and walks the ranking naively. Scope and "latest wins" come from
/// <see cref="ReferenceModel"/>. Choices where the contract is silent follow docs/analysis.md.
/// </summary>
public sealed class AnalysisReference(ReferenceModel model)
{
    /// <summary>The latest-wins records the reference reads.</summary>
    public ReferenceModel Model => model;

    public ThresholdReport Thresholds(MetricFilters filters)
    {
        var report = new ThresholdReport();
        foreach (var group in model.Scope(filters).GroupBy(d => d.CaseType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var decisions = group.ToList();
            var labeled = decisions.Where(d => model.Labels.ContainsKey(d.CaseId))
                .Select(d => (d.Confidence, Label: model.Labels[d.CaseId].Label)).ToList();
            var ids = decisions.Select(d => d.CaseId).ToHashSet(StringComparer.Ordinal);
            var handling = model.Reviews
                .Where(r => ids.Contains(r.CaseId) && r.ResolvedAt is not null
                    && (filters.Vendors.Count == 0 || (r.Vendor is not null && filters.Vendors.Contains(r.Vendor))))
                .Select(r => (r.ResolvedAt!.Value - r.AssignedAt).Ticks / (double)TimeSpan.TicksPerHour)
                .ToList();
            var median = ReferenceModel.Quantile(handling, 0.5);
            var days = PeriodDays(filters, decisions);
            var sweep = new CaseTypeSweep
            {
                CaseType = group.Key,
                LabeledCases = labeled.Count,
                Decisions = decisions.Count,
                PeriodDays = days,
                MedianHandlingHours = median,
                CurrentThreshold = decisions.OrderByDescending(d => d.ScoredAt).ThenByDescending(d => d.CaseId, StringComparer.Ordinal).First().Threshold,
            };
            var trueBlocks = labeled.Count(x => x.Label is "TP" or "FN");
            for (var k = 50; k <= 99; k++)
            {
                var t = k / 100.0;
                var tpAuto = labeled.Count(x => x.Confidence >= t && x.Label == "TP");
                var fpAuto = labeled.Count(x => x.Confidence >= t && x.Label == "FP");
                var blocksManual = labeled.Count(x => x.Confidence < t && x.Label is "TP" or "FN");
                var manual = decisions.Count(d => d.Confidence < t);
                var point = new SweepPoint
                {
                    Threshold = t,
                    Precision = Ratio(tpAuto + blocksManual, tpAuto + fpAuto + blocksManual),
                    Recall = Ratio(tpAuto + blocksManual, trueBlocks),
                    Automation = Ratio(labeled.Count(x => x.Confidence >= t), labeled.Count),
                    ManualCases = manual,
                    ManualCasesPerDay = Ratio(manual, days),
                };
                point.ReviewerHoursPerDay = point.ManualCasesPerDay * median;
                sweep.Sweep.Add(point);
                if (sweep.RecommendedThreshold is null && point.Precision > 0.95 && point.Recall > 0.99)
                {
                    sweep.RecommendedThreshold = t;
                }
            }

            report.ByCaseType.Add(sweep);
        }

        return report;
    }

    /// <summary>
    /// Contract §2 clusters (v2), naively: per case type and error label the population list, a pool list, and each round
    /// every subset of 1–3 signals of every pool case counted by scanning the pool again.
    /// </summary>
    public ClusterReport Clusters(MetricFilters filters)
    {
        const double Z = 3.290526731491926;
        var report = new ClusterReport();
        var labeledByType = model.Scope(filters)
            .Where(d => model.Labels.ContainsKey(d.CaseId))
            .GroupBy(d => d.CaseType)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in labeledByType)
        {
            var cases = group.Select(d => (Decision: d, Label: model.Labels[d.CaseId],
                    Signals: (d.Signals ?? []).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal)))
                .ToList();
            foreach (var (error, other) in new[] { ("FP", "TP"), ("FN", "TN") })
            {
                var population = cases.Where(c => c.Label.Label == error || c.Label.Label == other).ToList();
                long p = population.Count;
                long e = population.Count(c => c.Label.Label == error);
                if (e == 0)
                {
                    continue;
                }

                var rate = (double)e / p;
                var pool = population.ToList();
                for (var round = 1; round <= 10; round++)
                {
                    var sets = pool.SelectMany(c => Subsets(c.Signals.Order(CodePoints).ToList()))
                        .Select(s => string.Join(",", s)).Distinct().Select(k => k.Split(',').ToList()).ToList();
                    var scored = sets.Select(s =>
                    {
                        var hits = pool.Where(c => s.All(c.Signals.Contains)).ToList();
                        long support = hits.Count(c => c.Label.Label == error);
                        return (Set: s, Cases: (long)hits.Count, Support: support, Scaled: support * p - hits.Count * e);
                    }).Where(x => x.Support >= 5 && WilsonLow(x.Support, x.Cases, Z) > rate).ToList();
                    if (scored.Count == 0)
                    {
                        break;
                    }

                    var best = scored.OrderByDescending(x => x.Scaled).ThenBy(x => x.Set.Count).ThenBy(x => string.Join(",", x.Set), CodePoints).First();
                    var first = best.Scaled;
                    while (true)
                    {
                        var current = best;
                        var wider = scored.Where(x => x.Set.Count > current.Set.Count && current.Set.All(x.Set.Contains) && 5 * x.Scaled >= 4 * first)
                            .OrderByDescending(x => x.Scaled).ThenBy(x => x.Set.Count).ThenBy(x => string.Join(",", x.Set), CodePoints).ToList();
                        if (wider.Count == 0)
                        {
                            break;
                        }

                        best = wider[0];
                    }

                    var removed = pool.Where(c => best.Set.All(c.Signals.Contains)).ToList();
                    pool = pool.Except(removed).ToList();
                    var errors = removed.Where(c => c.Label.Label == error).ToList();
                    var type = errors.Where(x => x.Label.RootCauseType is not null).GroupBy(x => x.Label.RootCauseType!)
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    var code = errors.Where(x => x.Label.RootCauseType == type && x.Label.RootCauseCode is not null)
                        .GroupBy(x => x.Label.RootCauseCode!)
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    report.Clusters.Add(new Cluster
                    {
                        CaseType = group.Key,
                        Label = error,
                        Rank = round,
                        Signals = best.Set,
                        Support = errors.Count,
                        Cases = removed.Count,
                        ExcessErrors = errors.Count - removed.Count * rate,
                        Lift = (double)errors.Count / removed.Count / rate,
                        RootCauseType = type,
                        RootCauseCode = code,
                        Route = type switch { "A" => "retrain", "B" => "threshold_rules", "C" => "sop_update", _ => null },
                        ExampleCaseIds = errors.OrderByDescending(x => x.Decision.ScoredAt)
                            .ThenBy(x => x.Decision.CaseId, StringComparer.Ordinal).Take(5).Select(x => x.Decision.CaseId).ToList(),
                        Weekly = errors.GroupBy(x => ReferenceModel.Week(x.Decision.ScoredAt)).OrderBy(g => g.Key, StringComparer.Ordinal)
                            .Select(g => new WeeklyCount { Week = g.Key, Count = g.Count() }).ToList(),
                    });
                }
            }
        }

        return report;
    }

    /// <summary>Wilson score lower bound, written out from the textbook formula.</summary>
    public static double WilsonLow(long k, long n, double z)
    {
        var phat = (double)k / n;
        return (phat + z * z / (2.0 * n) - z * Math.Sqrt(phat * (1 - phat) / n + z * z / (4.0 * n * n))) / (1 + z * z / n);
    }

    /// <summary>Ordinal order of Unicode code points (what the contract's "ordinal code points" means).</summary>
    private static readonly Comparer<string> CodePoints = Comparer<string>.Create((x, y) =>
    {
        var a = x.EnumerateRunes().Select(r => r.Value).ToArray();
        var b = y.EnumerateRunes().Select(r => r.Value).ToArray();
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }

        return a.Length.CompareTo(b.Length);
    });

    /// <summary>Days from --from (else the first scored date) to --to (else the last), within the --week weeks if given.</summary>
    private static long PeriodDays(MetricFilters filters, List<DecisionRow> decisions)
    {
        var dates = decisions.Select(d => DateOnly.FromDateTime(d.ScoredAt.UtcDateTime)).ToList();
        var first = filters.From ?? dates.Min();
        var last = filters.To ?? dates.Max();
        long days = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (filters.Weeks.Count == 0 || filters.Weeks.Contains(ReferenceModel.Week(at)))
            {
                days++;
            }
        }

        return days;
    }

    private static IEnumerable<List<string>> Subsets(List<string> signals)
    {
        for (var i = 0; i < signals.Count; i++)
        {
            yield return [signals[i]];
            for (var j = i + 1; j < signals.Count; j++)
            {
                yield return [signals[i], signals[j]];
                for (var k = j + 1; k < signals.Count; k++)
                {
                    yield return [signals[i], signals[j], signals[k]];
                }
            }
        }
    }

    private static double? Ratio(double numerator, double denominator) => denominator == 0 ? null : numerator / denominator;
}
