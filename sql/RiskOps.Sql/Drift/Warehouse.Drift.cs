using System.Globalization;
using RiskOps.Sql.Drift;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// Week-over-week drift (<see cref="DriftReport"/>): every UTC ISO week the filters' period selects (all weeks with data
    /// when none is given; with <c>--from</c>/<c>--to</c> every week that overlaps the dates), compared with the ISO week before
    /// it — whole weeks, the previous one read even when the period leaves it out — per case type and model version, over
    /// all decided cases (no label needed). The other filters apply to both weeks.
    /// </summary>
    public DriftReport GetDrift(MetricFilters filters)
    {
        filters = Resolve(filters);
        var unperiod = filters with { From = null, To = null, Weeks = [] };
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithScope(unperiod, () =>
            {
                var confidence = ReadRows(SqlScripts.Get("drift_confidence"));
                var signals = ReadRows(SqlScripts.Get("drift_signals"));
                return Assemble(filters, confidence, signals);
            }));
        }
    }

    private static DriftReport Assemble(MetricFilters filters, List<Dictionary<string, object?>> confidence, List<Dictionary<string, object?>> signals)
    {
        var bins = new Dictionary<(string Week, string CaseType, string Model), long[]>();
        foreach (var r in confidence)
        {
            var key = ((string)r["week"]!, (string)r["case_type"]!, (string)r["model_version"]!);
            if (!bins.TryGetValue(key, out var counts))
            {
                bins[key] = counts = new long[10];
            }

            counts[(int)ToLong(r["confidence_bin"])] += ToLong(r["n"]);
        }

        var fired = signals.GroupBy(r => ((string)r["week"]!, (string)r["case_type"]!, (string)r["model_version"]!))
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => (string)r["signal"]!, r => ToLong(r["n"]), StringComparer.Ordinal));
        var report = new DriftReport();
        foreach (var key in bins.Keys.Where(k => Selected(filters, k.Week))
                     .OrderBy(k => k.Week, StringComparer.Ordinal).ThenBy(k => k.CaseType, StringComparer.Ordinal).ThenBy(k => k.Model, StringComparer.Ordinal))
        {
            var previousWeek = PreviousWeek(key.Week);
            var now = bins[key];
            var before = bins.GetValueOrDefault((previousWeek, key.CaseType, key.Model)) ?? new long[10];
            var n = now.Sum();
            var m = before.Sum();
            var entry = new DriftEntry
            {
                Week = key.Week,
                PreviousWeek = previousWeek,
                CaseType = key.CaseType,
                ModelVersion = key.Model,
                Decisions = n,
                PreviousDecisions = m,
                Comparable = n >= DriftCalculator.MinimumDecisions && m >= DriftCalculator.MinimumDecisions,
                ConfidenceShares = Shares(now, n),
                PreviousConfidenceShares = Shares(before, m),
            };
            if (n > 0 && m > 0)
            {
                entry.ConfidencePsi = DriftCalculator.Psi(entry.PreviousConfidenceShares, entry.ConfidenceShares);
                entry.ConfidencePValue = DriftCalculator.PValue(entry.ConfidencePsi.Value, m, n, 10);
                entry.ConfidenceFlagged = DriftCalculator.Flag(entry.ConfidencePsi.Value, m, n, 10);
            }

            var firedNow = fired.GetValueOrDefault(key) ?? [];
            var firedBefore = fired.GetValueOrDefault((previousWeek, key.CaseType, key.Model)) ?? [];
            foreach (var signal in firedNow.Keys.Union(firedBefore.Keys, StringComparer.Ordinal))
            {
                double? rate = n > 0 ? (double)firedNow.GetValueOrDefault(signal) / n : null;
                double? previous = m > 0 ? (double)firedBefore.GetValueOrDefault(signal) / m : null;
                double? psi = rate is { } b && previous is { } a ? DriftCalculator.RatePsi(a, b) : null;
                entry.Signals.Add(new SignalDrift
                {
                    Signal = signal,
                    Rate = rate,
                    PreviousRate = previous,
                    Psi = psi,
                    PValue = psi is { } x ? DriftCalculator.PValue(x, m, n, 2) : null,
                    Flagged = psi is { } y && DriftCalculator.Flag(y, m, n, 2),
                });
            }

            entry.Signals = [.. entry.Signals.OrderByDescending(s => s.Psi ?? -1).ThenBy(s => s.Signal, StringComparer.Ordinal)];
            entry.Flagged = entry.ConfidenceFlagged || entry.Signals.Any(s => s.Flagged);
            report.Entries.Add(entry);
        }

        return report;
    }

    private static List<double> Shares(long[] counts, long total) =>
        counts.Select(c => total == 0 ? 0.0 : (double)c / total).ToList();

    /// <summary>Whether the period of <paramref name="filters"/> selects the whole ISO week <paramref name="week"/>.</summary>
    private static bool Selected(MetricFilters filters, string week)
    {
        if (filters.Weeks.Count > 0 && !filters.Weeks.Contains(week, StringComparer.Ordinal))
        {
            return false;
        }

        var monday = WeekMonday(week);
        return (filters.To is null || monday <= filters.To) && (filters.From is null || monday.AddDays(6) >= filters.From);
    }

    private static string PreviousWeek(string week) => WeekLabel(WeekMonday(week).AddDays(-7));
}
