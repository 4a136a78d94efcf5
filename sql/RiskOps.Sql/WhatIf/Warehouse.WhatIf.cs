using System.Globalization;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;
using RiskOps.Sql.WhatIf;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The what-if's sweep counts (<c>WhatIf/whatif_counts.sql</c>) over the last <paramref name="weeks"/> UTC ISO weeks of
    /// the filters' scope, ending with <paramref name="endWeek"/> (default: the latest week with a decision in scope).
    /// Filters still apply (a period filter narrows the window further). Project any threshold with
    /// <see cref="WhatIfCounts.Project"/>.
    /// </summary>
    public WhatIfCounts GetWhatIfCounts(MetricFilters filters, int weeks = WhatIfCounts.DefaultWeeks, string? endWeek = null)
    {
        if (weeks is < 1 or > WhatIfCounts.MaxWeeks)
        {
            throw new InvalidFilterException($"--weeks {weeks.ToString(CultureInfo.InvariantCulture)} is outside 1..{WhatIfCounts.MaxWeeks.ToString(CultureInfo.InvariantCulture)}");
        }

        if (endWeek is not null)
        {
            ValidateWeek(endWeek);
        }

        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() =>
            {
                var last = endWeek ?? WithScope(filters, () => (string?)ReadRows(SqlScripts.Get("whatif_latest_week"))[0]["week"]);
                if (last is null)
                {
                    return new WhatIfCounts(weeks, [], null, null, []);
                }

                var window = WindowWeeks(last, weeks);
                var inWindow = filters.Weeks.Count == 0 ? window : window.Where(w => filters.Weeks.Contains(w, StringComparer.Ordinal)).ToList();
                if (inWindow.Count == 0)
                {
                    return new WhatIfCounts(weeks, window, null, null, []);
                }

                return WithScope(filters with { Weeks = inWindow }, () =>
                {
                    var counts = ReadRows(SqlScripts.Get("whatif_counts"))
                        .GroupBy(r => (string)r["case_type"]!, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.ToDictionary(r => ((int)ToLong(r["pct"]), (string?)r["label"]), r => ToLong(r["n"])), StringComparer.Ordinal);
                    var types = ReadRows(SqlScripts.Get("whatif_case_types"), new DuckDBParameter("vendors", filters.Vendors.ToList()));
                    var byType = types.Select(r => new WhatIfCaseTypeCounts(
                        (string)r["case_type"]!,
                        counts.GetValueOrDefault((string)r["case_type"]!) ?? [],
                        ToDouble(r["current_threshold"]),
                        ToDouble(r["median_hours"]),
                        ToLong(r["reviews"]))).ToList();
                    DateOnly? first = types.Count == 0 ? null : types.Min(r => DateOnly.ParseExact((string)r["first_date"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    DateOnly? lastDay = types.Count == 0 ? null : types.Max(r => DateOnly.ParseExact((string)r["last_date"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    var (from, to) = Clip(window, first, lastDay, filters);
                    return new WhatIfCounts(weeks, window, from, to, byType);
                });
            });
        }
    }

    /// <summary>
    /// The what-if of <paramref name="proposals"/> (case types matched to the lake's as every filter is): the figures at
    /// the current and at the proposed threshold per case type of the window (see <see cref="GetWhatIfCounts"/>).
    /// </summary>
    public WhatIfReport GetWhatIf(MetricFilters filters, IReadOnlyList<WhatIfProposal> proposals, int weeks = WhatIfCounts.DefaultWeeks, string? endWeek = null)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var resolved = ResolveProposals(proposals);
        return GetWhatIfCounts(filters, weeks, endWeek).Project(resolved);
    }

    /// <summary>The proposals keyed by the lake's spelling of their case type; a case type in no record of the lake is an error.</summary>
    public IReadOnlyDictionary<string, double> ResolveProposals(IReadOnlyList<WhatIfProposal> proposals)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var resolved = new Dictionary<string, double>(StringComparer.Ordinal);
        if (proposals.Count == 0)
        {
            return resolved;
        }

        var known = GetFilterValues();
        foreach (var proposal in proposals)
        {
            var types = known.Resolve(MetricFilters.None with { CaseTypes = [proposal.CaseType] }).CaseTypes;
            foreach (var type in types)
            {
                if (!resolved.TryAdd(type, proposal.Threshold))
                {
                    throw new InvalidFilterException($"--propose names case type {type} more than once");
                }
            }
        }

        return resolved;
    }

    /// <summary>The <paramref name="weeks"/> ISO weeks ending with <paramref name="last"/>, oldest first.</summary>
    internal static List<string> WindowWeeks(string last, int weeks)
    {
        var monday = WeekMonday(last);
        return Enumerable.Range(0, weeks).Select(i => WeekLabel(monday.AddDays(-7 * (weeks - 1 - i)))).ToList();
    }

    /// <summary>
    /// The per-day divisor's first and last day: the window's days, clipped to the filters' dates and to the scope's first and
    /// last scored date in the window (a lake that starts, or a week still in progress, does not dilute the per-day figures).
    /// </summary>
    private static (DateOnly? From, DateOnly? To) Clip(IReadOnlyList<string> window, DateOnly? first, DateOnly? last, MetricFilters filters)
    {
        if (first is null || last is null)
        {
            return (null, null);
        }

        var from = WeekMonday(window[0]);
        var to = WeekMonday(window[^1]).AddDays(6);
        from = Max(from, first.Value);
        to = Min(to, last.Value);
        if (filters.From is { } f)
        {
            from = Max(from, f);
        }

        if (filters.To is { } t)
        {
            to = Min(to, t);
        }

        return from <= to ? (from, to) : (null, null);

        static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
        static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
    }

    private static DateOnly WeekMonday(string week) =>
        DateOnly.FromDateTime(ISOWeek.ToDateTime(int.Parse(week.AsSpan(0, 4), CultureInfo.InvariantCulture), int.Parse(week.AsSpan(6, 2), CultureInfo.InvariantCulture), DayOfWeek.Monday));

    private static string WeekLabel(DateOnly day)
    {
        var d = day.ToDateTime(TimeOnly.MinValue);
        return $"{ISOWeek.GetYear(d).ToString("D4", CultureInfo.InvariantCulture)}-W{ISOWeek.GetWeekOfYear(d).ToString("D2", CultureInfo.InvariantCulture)}";
    }
}
