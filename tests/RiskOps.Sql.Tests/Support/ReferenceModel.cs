using System.Globalization;
using RiskOps.Sql.Model;

namespace RiskOps.Sql.Tests.Support;

/// <summary>
/// An independent implementation of contract §2 in plain LINQ over in-memory rows, written from the contract text (not
/// from the SQL), so property tests can compare it with <see cref="Warehouse.GetMetrics"/>. Choices where the contract
/// is silent follow docs/metrics.md.
/// </summary>
public sealed class ReferenceModel
{
    private const double Z = 1.959963984540054;

    public ReferenceModel(LakeData data)
    {
        // Latest wins per key (contract §1); ties go to the later ingestion (ingested_at, then batch_id, then source_line).
        Decisions = data.Decisions.GroupBy(d => d.CaseId)
            .Select(g => g.OrderByDescending(d => d.ScoredAt).ThenByDescending(d => d, IngestionOrder.Instance).First())
            .ToDictionary(d => d.CaseId, StringComparer.Ordinal);
        Reviews = data.Reviews.GroupBy(r => r.ReviewId)
            .Select(g => g.OrderByDescending(r => r, IngestionOrder.Instance).First()).ToList();
        Labels = data.Labels.GroupBy(l => l.CaseId)
            .Select(g => g.OrderByDescending(l => l.LabeledAt).ThenByDescending(l => l, IngestionOrder.Instance).First())
            .ToDictionary(l => l.CaseId, StringComparer.Ordinal);
        Audits = data.QaAudits.GroupBy(a => a.AuditId)
            .Select(g => g.OrderByDescending(a => a, IngestionOrder.Instance).First()).ToList();
        Sop = data.Sop.GroupBy(s => (s.CaseType, s.ScenarioCode))
            .Select(g => g.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s, IngestionOrder.Instance).First()).ToList();
        QuarantineCount = data.Quarantine.Count;

        // The calibration map of the population estimates: every decided case with a latest label, whatever the filters.
        var labeledCases = Decisions.Values.Where(d => Labels.ContainsKey(d.CaseId))
            .Select(d => (d.CaseType, Bin: Bin(d.Confidence), Correct: Labels[d.CaseId].Label is "TP" or "TN")).ToList();
        _mapByType = labeledCases.GroupBy(x => (x.CaseType, x.Bin)).ToDictionary(g => g.Key, g => (g.LongCount(), g.LongCount(x => x.Correct)));
        _mapAll = labeledCases.GroupBy(x => x.Bin).ToDictionary(g => g.Key, g => (g.LongCount(), g.LongCount(x => x.Correct)));
    }

    private readonly Dictionary<(string CaseType, int Bin), (long N, long Correct)> _mapByType;
    private readonly Dictionary<int, (long N, long Correct)> _mapAll;

    /// <summary>The calibration bin of a confidence: min(floor(10·confidence), 9).</summary>
    public static int Bin(double confidence) => Math.Min((int)Math.Floor(10 * confidence), 9);

    /// <summary>
    /// The probability that an unlabeled case's ai_decision is right (contract §2, v2): its case type's bin share when at
    /// least 30 labels back it, else the bin over all case types when at least 30, else its own confidence.
    /// </summary>
    public double CorrectProbability(DecisionRow d)
    {
        var bin = Bin(d.Confidence);
        if (_mapByType.TryGetValue((d.CaseType, bin), out var own) && own.N >= 30)
        {
            return (double)own.Correct / own.N;
        }

        if (_mapAll.TryGetValue(bin, out var all) && all.N >= 30)
        {
            return (double)all.Correct / all.N;
        }

        return d.Confidence;
    }

    public Dictionary<string, DecisionRow> Decisions { get; }
    public List<ReviewRow> Reviews { get; }
    public Dictionary<string, LabelRow> Labels { get; }
    public List<QaAuditRow> Audits { get; }
    public List<SopRow> Sop { get; }
    public int QuarantineCount { get; }

    /// <summary>The ISO week of an instant in UTC, e.g. <c>2026-W47</c>.</summary>
    public static string Week(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):D2}");
    }

    /// <summary>The decided cases in scope of <paramref name="filters"/> (vendor: at least one review by the vendor).</summary>
    public List<DecisionRow> Scope(MetricFilters filters) => Decisions.Values.Where(d =>
            (filters.CaseTypes.Count == 0 || filters.CaseTypes.Contains(d.CaseType))
            && (filters.ModelVersions.Count == 0 || filters.ModelVersions.Contains(d.ModelVersion))
            && (filters.Regions.Count == 0 || (d.Region is not null && filters.Regions.Contains(d.Region)))
            && (filters.From is null || DateOnly.FromDateTime(d.ScoredAt.UtcDateTime) >= filters.From)
            && (filters.To is null || DateOnly.FromDateTime(d.ScoredAt.UtcDateTime) <= filters.To)
            && (filters.Weeks.Count == 0 || filters.Weeks.Contains(Week(d.ScoredAt)))
            && (filters.Vendors.Count == 0 || Reviews.Any(r => r.CaseId == d.CaseId && r.Vendor is not null && filters.Vendors.Contains(r.Vendor))))
        .ToList();

    /// <summary>The overall figures and one set per case type (case types of the scope, ordinal order).</summary>
    public (MetricSet Overall, List<MetricSet> ByCaseType) Compute(MetricFilters filters, DateTimeOffset asOf)
    {
        var scope = Scope(filters);
        var sopTypes = filters.CaseTypes.Count == 0 ? null : filters.CaseTypes.ToHashSet(StringComparer.Ordinal);
        var overall = Figures(scope, filters, asOf, Sop.Where(s => sopTypes is null || sopTypes.Contains(s.CaseType)).ToList());
        var byType = scope.GroupBy(d => d.CaseType).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var set = Figures(g.ToList(), filters, asOf, Sop.Where(s => s.CaseType == g.Key).ToList());
                set.CaseType = g.Key;
                return set;
            })
            .ToList();
        return (overall, byType);
    }

    /// <summary>
    /// One set per slice of <paramref name="dimension"/> (<c>week</c>, <c>model_version</c> or <c>region</c>) in the
    /// warehouse's order (slice ascending ordinal, null last). SOP figures are left unset: they are per case type.
    /// </summary>
    public List<(string? Slice, MetricSet Set)> ComputeSlices(MetricFilters filters, DateTimeOffset asOf, string dimension)
    {
        Func<DecisionRow, string?> key = dimension switch
        {
            "week" => d => Week(d.ScoredAt),
            "model_version" => d => d.ModelVersion,
            "region" => d => d.Region,
            _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "week, model_version or region"),
        };
        return Scope(filters).GroupBy(key)
            .OrderBy(g => g.Key is null ? 1 : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Figures(g.ToList(), filters, asOf, [])))
            .ToList();
    }

    private MetricSet Figures(List<DecisionRow> cases, MetricFilters filters, DateTimeOffset asOf, List<SopRow> sop)
    {
        var set = new MetricSet { Decisions = cases.Count };
        var labeled = cases.Where(d => Labels.ContainsKey(d.CaseId)).Select(d => (Decision: d, Label: Labels[d.CaseId])).ToList();
        set.LabeledCases = labeled.Count;
        set.LabelCompleteness = Ratio(labeled.Count, cases.Count);
        set.Tp = labeled.Count(x => x.Label.Label == "TP");
        set.Fp = labeled.Count(x => x.Label.Label == "FP");
        set.Tn = labeled.Count(x => x.Label.Label == "TN");
        set.Fn = labeled.Count(x => x.Label.Label == "FN");
        set.Precision = Ratio(set.Tp, set.Tp + set.Fp);
        (set.PrecisionCiLow, set.PrecisionCiHigh) = Wilson(set.Tp, set.Tp + set.Fp);
        set.Recall = Ratio(set.Tp, set.Tp + set.Fn);
        (set.RecallCiLow, set.RecallCiHigh) = Wilson(set.Tp, set.Tp + set.Fn);
        set.F1 = Ratio(2 * set.Tp, 2 * set.Tp + set.Fp + set.Fn);
        set.Accuracy = Ratio(set.Tp + set.Tn, labeled.Count);
        set.AutomationRate = Ratio(cases.Count(d => d.Routing == "auto"), cases.Count);

        var samples = labeled.Where(x => x.Label.LabelSource == "audit_sample" && x.Decision.Routing == "auto").ToList();
        var weightTp = samples.Where(x => x.Label.Label == "TP").Sum(x => x.Label.SampleWeight ?? 1.0);
        var weightBlocks = samples.Where(x => x.Label.Label is "TP" or "FN").Sum(x => x.Label.SampleWeight ?? 1.0);
        set.RecallAuto = weightBlocks == 0 ? null : weightTp / weightBlocks;
        set.RecallAutoN = samples.Count(x => x.Label.Label is "TP" or "FN");

        // Population estimates: labeled cases count their label, unlabeled ones their expected share.
        double tpEst = set.Tp, fpEst = set.Fp, tnEst = set.Tn, fnEst = set.Fn;
        foreach (var d in cases.Where(d => !Labels.ContainsKey(d.CaseId)))
        {
            var p = CorrectProbability(d);
            if (d.AiDecision == "block")
            {
                tpEst += p;
                fpEst += 1 - p;
            }
            else
            {
                tnEst += p;
                fnEst += 1 - p;
            }
        }

        (set.TpEst, set.FpEst, set.TnEst, set.FnEst) = (tpEst, fpEst, tnEst, fnEst);
        set.PrecisionEst = Ratio(tpEst, tpEst + fpEst);
        set.RecallEst = Ratio(tpEst, tpEst + fnEst);
        set.AccuracyEst = Ratio(tpEst + tnEst, tpEst + fpEst + tnEst + fnEst);

        // Resolution: the latest review by assigned_at (ties: later ingestion, then review_id) decides.
        var manual = cases.Where(d => d.Routing == "manual").ToList();
        set.ManualCases = manual.Count;
        var resolvedHours = new List<double>();
        var open = new List<double>();
        var finals = new List<(DecisionRow Decision, ReviewRow Review)>();
        var resolved = 0;
        foreach (var d in manual)
        {
            var latest = Reviews.Where(r => r.CaseId == d.CaseId)
                .OrderByDescending(r => r.AssignedAt).ThenByDescending(r => r, IngestionOrder.Instance)
                .ThenByDescending(r => r.ReviewId, StringComparer.Ordinal).FirstOrDefault();
            if (latest is { Decision: "pass" or "block" })
            {
                resolved++;
                if (latest.ResolvedAt is { } resolvedAt)
                {
                    resolvedHours.Add((resolvedAt - d.ScoredAt).Ticks / (double)TimeSpan.TicksPerHour);
                }

                finals.Add((d, latest));
            }
            else
            {
                open.Add((asOf - d.ScoredAt).Ticks / (double)TimeSpan.TicksPerHour);
            }
        }

        set.ResolvedCases = resolved;
        set.OpenCases = open.Count;
        set.SlaDenominator = resolved + open.Count(h => h > 4);
        set.SlaCompliance = Ratio(resolvedHours.Count(h => h <= 4), set.SlaDenominator);
        set.ResolutionHoursP50 = Quantile(resolvedHours, 0.5);
        set.ResolutionHoursP90 = Quantile(resolvedHours, 0.9);
        set.Backlog0To4h = open.Count(h => h < 4);
        set.Backlog4To24h = open.Count(h => h >= 4 && h < 24);
        set.Backlog1To3d = open.Count(h => h >= 24 && h < 72);
        set.BacklogOver3d = open.Count(h => h >= 72);

        var caseIds = cases.Select(d => d.CaseId).ToHashSet(StringComparer.Ordinal);
        var reviewsById = Reviews.ToDictionary(r => r.ReviewId, StringComparer.Ordinal);
        var audits = Audits.Where(a => reviewsById.TryGetValue(a.ReviewId, out var r) && caseIds.Contains(r.CaseId)
            && (filters.Vendors.Count == 0 || (r.Vendor is not null && filters.Vendors.Contains(r.Vendor)))).ToList();
        set.QaAudits = audits.Count;
        set.DecisionAccuracy = Ratio(audits.Count(a => a.Verdict == "correct"), audits.Count);
        var kappaPairs = finals.Where(f => Labels.ContainsKey(f.Decision.CaseId))
            .Select(f => (f.Review.Decision == "block", Labels[f.Decision.CaseId].Label is "TP" or "FN")).ToList();
        set.KappaCases = kappaPairs.Count;
        set.Kappa = Kappa(kappaPairs);

        var keyUsers = manual.Where(d => d.Priority >= 75).ToList();
        set.KeyUserCases = keyUsers.Count;
        set.KeyUserEscalationCompliance = Ratio(
            keyUsers.Count(d => Reviews.Any(r => r.CaseId == d.CaseId && (r.Decision == "escalate" || r.ReviewerTier is "senior" or "lead"))),
            keyUsers.Count);

        set.SopScenarios = sop.Count;
        set.SopCoverage = Ratio(sop.Count(s => s.Covered), sop.Count);

        var calibration = labeled.Select(x => (Confidence: x.Decision.Confidence, Correct: x.Label.Label is "TP" or "TN" ? 1.0 : 0.0)).ToList();
        if (calibration.Count > 0)
        {
            set.Brier = calibration.Average(c => (c.Confidence - c.Correct) * (c.Confidence - c.Correct));
            set.Ece = calibration.GroupBy(c => Math.Min((int)Math.Floor(10 * c.Confidence), 9))
                .Sum(g => (double)g.Count() / calibration.Count * Math.Abs(g.Average(c => c.Correct) - g.Average(c => c.Confidence)));
        }

        return set;
    }

    /// <summary>Cohen's kappa of (human says block, truth is block) pairs; null when empty or pe = 1.</summary>
    public static double? Kappa(IReadOnlyList<(bool Human, bool Truth)> pairs)
    {
        if (pairs.Count == 0)
        {
            return null;
        }

        double n = pairs.Count;
        var po = pairs.Count(p => p.Human == p.Truth) / n;
        var humanBlock = pairs.Count(p => p.Human) / n;
        var truthBlock = pairs.Count(p => p.Truth) / n;
        var pe = humanBlock * truthBlock + (1 - humanBlock) * (1 - truthBlock);
        return pe >= 1 ? null : (po - pe) / (1 - pe);
    }

    /// <summary>Wilson 95 % score interval of x successes in n; nulls when n = 0.</summary>
    public static (double?, double?) Wilson(long x, long n)
    {
        if (n == 0)
        {
            return (null, null);
        }

        var p = (double)x / n;
        var denominator = 1 + Z * Z / n;
        var center = (p + Z * Z / (2 * n)) / denominator;
        var half = Z / denominator * Math.Sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n));
        return (center - half, center + half);
    }

    /// <summary>Linear-interpolation quantile (DuckDB quantile_cont); null when empty.</summary>
    public static double? Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.OrderBy(v => v).ToList();
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    private static double? Ratio(double numerator, double denominator) => denominator == 0 ? null : numerator / denominator;

    /// <summary>Orders rows by ingestion: ingested_at, then batch_id, then source_line.</summary>
    private sealed class IngestionOrder : IComparer<LakeRow>
    {
        public static readonly IngestionOrder Instance = new();

        public int Compare(LakeRow? x, LakeRow? y)
        {
            var c = x!.IngestedAt.CompareTo(y!.IngestedAt);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.BatchId, y.BatchId);
            }

            return c == 0 ? x.SourceLine.CompareTo(y.SourceLine) : c;
        }
    }
}
