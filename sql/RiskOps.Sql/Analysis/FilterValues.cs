using RiskOps.Sql.Model;

namespace RiskOps.Sql.Analysis;

/// <summary>The values the FILTERS can take: every case type, model version, region and vendor found in the lake's data.</summary>
/// <param name="CaseTypes">The contract's case types and every case type of a decision or SOP scenario, ordinal order.</param>
/// <param name="ModelVersions">Every decision's model version, ordinal order.</param>
/// <param name="Regions">Every decision's region, ordinal order.</param>
/// <param name="Vendors">Every BPO vendor of a review of a decided case, ordinal order.</param>
public sealed record FilterValues(
    IReadOnlyList<string> CaseTypes, IReadOnlyList<string> ModelVersions, IReadOnlyList<string> Regions, IReadOnlyList<string> Vendors)
{
    /// <summary>
    /// The one matching rule of a typed filter value (dashboard, CLI, reports): the lake's values equal to it ignoring case
    /// (ordinal, invariant case folding) after trimming — usually one; two when the lake holds spellings that differ only
    /// in case (<c>eu</c> and <c>EU</c>), and then both are kept. Empty when the value is in no record of the lake.
    /// </summary>
    public static IReadOnlyList<string> Match(string typed, IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);
        var value = typed.Trim();
        return value.Length == 0 ? [] : known.Where(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    /// <summary>
    /// The filters with each value replaced by the lake's values it matches (<see cref="Match"/>), so every query compares
    /// exact values; a value that matches nothing throws <see cref="InvalidFilterException"/> naming the filter and the
    /// values the lake holds.
    /// </summary>
    public MetricFilters Resolve(MetricFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return filters with
        {
            CaseTypes = Resolve(filters.CaseTypes, CaseTypes, "case type", "case types"),
            ModelVersions = Resolve(filters.ModelVersions, ModelVersions, "model version", "model versions"),
            Regions = Resolve(filters.Regions, Regions, "region", "regions"),
            Vendors = Resolve(filters.Vendors, Vendors, "vendor", "vendors"),
        };
    }

    private static string[] Resolve(IReadOnlyList<string> typed, IReadOnlyList<string> known, string what, string plural)
    {
        var resolved = new List<string>();
        foreach (var value in typed)
        {
            var matches = Match(value, known);
            if (matches.Count == 0)
            {
                var list = known.Count == 0 ? $"the lake holds no {plural}"
                    : known.Count <= 20 ? $"{plural} in the lake: " + string.Join(", ", known)
                    : $"{plural} in the lake: {string.Join(", ", known.Take(20))}, … ({known.Count} in all)";
                throw new InvalidFilterException($"no record of the lake has {what} '{value.Trim()}' ({list})");
            }

            resolved.AddRange(matches);
        }

        return resolved.Distinct(StringComparer.Ordinal).ToArray();
    }
}
