using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The SLA figures (manual, resolved and open cases, SLA compliance with its denominator, p50/p90 resolution hours,
    /// backlog ageing at <paramref name="asOf"/>) of each vendor group in one grouped query (<c>metrics/sla_by_vendor.sql</c>):
    /// a group's cases are the manual cases in scope reviewed by any of its vendors — the vendor filter's rule — so a
    /// one-vendor group equals <c>GetMetrics(filters with { Vendors = [v] }, asOf).Overall</c> on these figures. Vendor
    /// names are matched to the lake's values as every filter is (case-insensitively; an unknown name throws
    /// <see cref="InvalidFilterException"/>).
    /// </summary>
    /// <returns>One set per group, in the order given (all zero, ratios null, for a group with no manual case); only the
    /// SLA figures are filled.</returns>
    public IReadOnlyList<MetricSet> GetSlaByVendor(MetricFilters filters, DateTimeOffset asOf, IReadOnlyList<IReadOnlyList<string>> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        filters = Resolve(filters);
        if (groups.Count == 0)
        {
            return [];
        }

        // Each group's names matched to the lake's spelling as the vendor filter does (an unknown one is the same error).
        var resolved = groups.Select(g => Resolve(MetricFilters.None with { Vendors = [.. g] }).Vendors).ToList();
        var request = JsonSerializer.Serialize(resolved.Select((g, i) => new { n = i, vendors = g }));
        var asOfUs = (asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithScope(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("sla_by_vendor"), new DuckDBParameter("groups", request), new DuckDBParameter("as_of_us", asOfUs))
                    .ToDictionary(r => (int)ToLong(r["n"]));
                return (IReadOnlyList<MetricSet>)groups.Select((_, i) =>
                {
                    if (!rows.TryGetValue(i, out var r))
                    {
                        return new MetricSet();
                    }

                    var denominator = ToLong(r["sla_denominator"]);
                    var met = ToLong(r["sla_met"]);
                    return new MetricSet
                    {
                        ManualCases = ToLong(r["manual_cases"]),
                        ResolvedCases = ToLong(r["resolved_cases"]),
                        OpenCases = ToLong(r["open_cases"]),
                        SlaMet = met,
                        SlaDenominator = denominator,
                        SlaCompliance = denominator == 0 ? null : (double)met / denominator,
                        ResolutionHoursP50 = ToDouble(r["resolution_hours_p50"]),
                        ResolutionHoursP90 = ToDouble(r["resolution_hours_p90"]),
                        Backlog0To4h = ToLong(r["backlog_0_4h"]),
                        Backlog4To24h = ToLong(r["backlog_4_24h"]),
                        Backlog1To3d = ToLong(r["backlog_1_3d"]),
                        BacklogOver3d = ToLong(r["backlog_over_3d"]),
                    };
                }).ToList();
            }));
        }
    }
}
