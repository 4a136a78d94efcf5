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

    public ClusterReport Clusters(MetricFilters filters)
    {
        var report = new ClusterReport();
        var labeledByType = model.Scope(filters)
            .Where(d => model.Labels.ContainsKey(d.CaseId))
            .GroupBy(d => d.CaseType)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in labeledByType)
        {
            var cases = group.Select(d => (Decision: d, Label: model.Labels[d.CaseId],
                    Signals: (d.Signals ?? []).Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
                .ToList();
            foreach (var error in new[] { "FP", "FN" })
            {
                long n = cases.Count;
                long nError = cases.Count(c => c.Label.Label == error);
                var counts = new Dictionary<string, (List<string> Set, long Cases, long Support)>(StringComparer.Ordinal);
                foreach (var c in cases)
                {
                    foreach (var set in Subsets(c.Signals))
                    {
                        var key = string.Join('\u0001', set);
                        var current = counts.TryGetValue(key, out var v) ? v : (set, 0L, 0L);
                        counts[key] = (current.Item1, current.Item2 + 1, current.Item3 + (c.Label.Label == error ? 1 : 0));
                    }
                }

                var ranked = counts.Values.Where(v => v.Support >= 5).ToList();
                ranked.Sort((x, y) =>
                {
                    // excess = support − cases · nError / n, compared exactly as support · n − cases · nError.
                    var c = (y.Support * n - y.Cases * nError).CompareTo(x.Support * n - x.Cases * nError);
                    if (c != 0)
                    {
                        return c;
                    }

                    c = x.Set.Count.CompareTo(y.Set.Count);
                    return c != 0 ? c : string.CompareOrdinal(string.Join('\u0001', x.Set), string.Join('\u0001', y.Set));
                });

                var shown = new List<List<string>>();
                foreach (var candidate in ranked)
                {
                    if (shown.Count == 10)
                    {
                        break;
                    }

                    if (shown.Any(s => s.All(candidate.Set.Contains)))
                    {
                        continue;
                    }

                    shown.Add(candidate.Set);
                    var rate = (double)nError / n;
                    var errors = cases.Where(c => c.Label.Label == error && candidate.Set.All(c.Signals.Contains)).ToList();
                    var type = errors.Where(e => e.Label.RootCauseType is not null).GroupBy(e => e.Label.RootCauseType!)
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    var code = errors.Where(e => e.Label.RootCauseType == type && e.Label.RootCauseCode is not null)
                        .GroupBy(e => e.Label.RootCauseCode!)
                        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
                    report.Clusters.Add(new Cluster
                    {
                        CaseType = group.Key,
                        Label = error,
                        Rank = shown.Count,
                        Signals = candidate.Set,
                        Support = candidate.Support,
                        Cases = candidate.Cases,
                        ExcessErrors = candidate.Support - candidate.Cases * rate,
                        Lift = (double)candidate.Support / candidate.Cases / rate,
                        RootCauseType = type,
                        RootCauseCode = code,
                        Route = type switch { "A" => "retrain", "B" => "threshold_rules", "C" => "sop_update", _ => null },
                        ExampleCaseIds = errors.OrderByDescending(e => e.Decision.ScoredAt)
                            .ThenBy(e => e.Decision.CaseId, StringComparer.Ordinal).Take(5).Select(e => e.Decision.CaseId).ToList(),
                        Weekly = errors.GroupBy(e => ReferenceModel.Week(e.Decision.ScoredAt)).OrderBy(g => g.Key, StringComparer.Ordinal)
                            .Select(g => new WeeklyCount { Week = g.Key, Count = g.Count() }).ToList(),
                    });
                }
            }
        }

        return report;
    }

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
