using RiskOps.Sql.Statistics;

namespace RiskOps.Sql.WhatIf;

/// <summary>The counts of one case type: decisions per confidence percent and latest label (null = unlabeled).</summary>
/// <param name="CaseType">The case type.</param>
/// <param name="Counts">(pct, label) → decided cases, pct = the largest k in 0..100 with k / 100 ≤ confidence.</param>
/// <param name="CurrentThreshold">The window's latest decision's threshold.</param>
/// <param name="MedianHandlingHours">Median handling hours of the case type's resolved reviews in the window.</param>
/// <param name="HandlingReviews">The resolved reviews behind the median.</param>
public sealed record WhatIfCaseTypeCounts(
    string CaseType, IReadOnlyDictionary<(int Pct, string? Label), long> Counts, double? CurrentThreshold, double? MedianHandlingHours, long HandlingReviews);

/// <summary>
/// The what-if's sweep counts over a window of weeks: everything a projection at any threshold on the 0.01 grid needs,
/// so a proposal is projected without reading per-case rows again (the dashboard keeps one per rollup version and scope).
/// </summary>
/// <param name="Weeks">The window's length in weeks.</param>
/// <param name="WindowWeeks">The window's ISO weeks, oldest first.</param>
/// <param name="From">First day of the per-day divisor.</param>
/// <param name="To">Last day of the per-day divisor.</param>
/// <param name="ByCaseType">Counts per case type, ordinal order.</param>
public sealed record WhatIfCounts(int Weeks, IReadOnlyList<string> WindowWeeks, DateOnly? From, DateOnly? To, IReadOnlyList<WhatIfCaseTypeCounts> ByCaseType)
{
    /// <summary>The default window: the last 4 ISO weeks (a month of traffic, short enough to reflect the current model).</summary>
    public const int DefaultWeeks = 4;

    /// <summary>The longest window accepted.</summary>
    public const int MaxWeeks = 26;

    /// <summary>Days from <see cref="From"/> to <see cref="To"/>, inclusive (0 when the window holds no decision).</summary>
    public long Days => From is { } f && To is { } t ? t.DayNumber - f.DayNumber + 1 : 0;

    /// <summary>
    /// The projection per case type at its current threshold and, where <paramref name="proposals"/> names it (canonical
    /// case type → T on the 0.01 grid), at the proposed one.
    /// </summary>
    public WhatIfReport Project(IReadOnlyDictionary<string, double> proposals)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var report = new WhatIfReport { Weeks = Weeks, WindowWeeks = [.. WindowWeeks], From = From, To = To, Days = Days };
        foreach (var type in ByCaseType)
        {
            var entry = new WhatIfCaseType
            {
                CaseType = type.CaseType,
                Decisions = type.Counts.Values.Sum(),
                LabeledCases = type.Counts.Where(c => c.Key.Label is not null).Sum(c => c.Value),
                MedianHandlingHours = type.MedianHandlingHours,
                MedianHandlingHoursN = type.HandlingReviews,
            };
            if (type.CurrentThreshold is { } current)
            {
                // A threshold in force off the 0.01 grid is projected at the next grid value up (stated beside it).
                var k = (int)Math.Ceiling(Math.Round(current * 100, 9));
                entry.Current = At(type, k, Days);
                if (Math.Abs(current * 100 - Math.Round(current * 100)) > 1e-9)
                {
                    entry.Current.ThresholdAsGiven = current;
                }
            }

            if (proposals.TryGetValue(type.CaseType, out var proposed))
            {
                entry.Proposed = At(type, (int)Math.Round(proposed * 100), Days);
            }

            report.ByCaseType.Add(entry);
        }

        return report;
    }

    /// <summary>The figures at t = k / 100 from the counts.</summary>
    internal static WhatIfFigures At(WhatIfCaseTypeCounts type, int k, long days)
    {
        long Sum(Func<int, string?, bool> where) => type.Counts.Where(c => where(c.Key.Pct, c.Key.Label)).Sum(c => c.Value);
        var tpAuto = Sum((p, l) => p >= k && l == "TP");
        var fpAuto = Sum((p, l) => p >= k && l == "FP");
        var blocksManual = Sum((p, l) => p < k && l is "TP" or "FN");
        var trueBlocks = Sum((_, l) => l is "TP" or "FN");
        var decisions = Sum((_, _) => true);
        var manual = Sum((p, _) => p < k);
        var hits = tpAuto + blocksManual;
        var precisionN = hits + fpAuto;
        var precision = Wilson.Interval(hits, precisionN);
        var recall = Wilson.Interval(hits, trueBlocks);
        var automation = Wilson.Interval(decisions - manual, decisions);
        var manualShare = Wilson.Interval(manual, decisions);
        double? perDay = days > 0 ? (double)manual / days : null;
        double? PerDay(double? share) => days > 0 && share is { } s ? s * decisions / days : null;
        var hours = type.MedianHandlingHours;
        return new WhatIfFigures
        {
            Threshold = k / 100.0,
            Precision = Ratio(hits, precisionN),
            PrecisionCiLow = precision?.Low,
            PrecisionCiHigh = precision?.High,
            PrecisionN = precisionN,
            Recall = Ratio(hits, trueBlocks),
            RecallCiLow = recall?.Low,
            RecallCiHigh = recall?.High,
            RecallN = trueBlocks,
            AutomationRate = Ratio(decisions - manual, decisions),
            AutomationRateCiLow = automation?.Low,
            AutomationRateCiHigh = automation?.High,
            AutomationRateN = decisions,
            ManualCases = manual,
            ManualCasesPerDay = perDay,
            ManualCasesPerDayCiLow = PerDay(manualShare?.Low),
            ManualCasesPerDayCiHigh = PerDay(manualShare?.High),
            ReviewerHoursPerDay = perDay * hours,
            ReviewerHoursPerDayCiLow = PerDay(manualShare?.Low) * hours,
            ReviewerHoursPerDayCiHigh = PerDay(manualShare?.High) * hours,
            // Exact integer comparisons, as the sweep's SQL: precision > 0.95 ⇔ 20·hits > 19·n, recall > 0.99 ⇔ 100·hits > 99·n.
            MeetsTargets = trueBlocks > 0 && 20 * hits > 19 * precisionN && 100 * hits > 99 * trueBlocks,
        };
    }

    private static double? Ratio(long x, long n) => n == 0 ? null : (double)x / n;
}
