using RiskOps.Sql.Analysis;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    private (string Key, FilterValues Values)? _filterValues;

    /// <summary>
    /// The values the FILTERS can take (<c>metrics/filter_values.sql</c>): read from the rollup a query would read (its
    /// daily aggregates: a few thousand rows, never the cases) or, with no rollup, from the decisions and reviews views;
    /// kept until the rollup version or the lake version changes, so a request never pays a scan.
    /// </summary>
    public FilterValues GetFilterValues()
    {
        lock (_gate)
        {
            return RetryingVanishedFiles(() =>
            {
                var rollup = RollupToRead();
                var key = rollup ?? "raw:" + ManifestLog.State(LakeRoot).Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (_filterValues is { } cached && cached.Key == key)
                {
                    return cached.Values;
                }

                Execute(rollup is null
                    ? "create or replace temp view filter_source as "
                        + "select case_type, model_version, region, []::varchar[] as review_vendors from decisions "
                        + "union all select null, null, null, [vendor] from reviews where vendor is not null"
                    : $"create or replace temp view filter_source as select case_type, model_version, region, review_vendors from read_parquet('{Quote(Path.Combine(rollup, "daily.parquet"))}')");
                try
                {
                    var rows = ReadRows(SqlScripts.Get("filter_values"));
                    string[] Of(string dimension) => rows.Where(r => (string)r["dimension"]! == dimension).Select(r => (string)r["value"]!)
                        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                    var catalogue = ReadRows("select distinct case_type from sop_coverage where case_type is not null").Select(r => (string)r["case_type"]!);
                    var values = new FilterValues(
                        ContractCaseTypes.Concat(Of("case_type")).Concat(catalogue).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                        Of("model_version"), Of("region"), Of("vendor"));
                    _filterValues = (key, values);
                    return values;
                }
                finally
                {
                    Execute("drop view if exists filter_source");
                }
            });
        }
    }

    /// <summary>
    /// Validates the filters (<see cref="Validate"/>) and matches each case type, model version, region and vendor to the
    /// lake's values by <see cref="FilterValues.Match"/> — the one rule of the dashboard, the CLI and the reports. A value
    /// found in no record of the lake throws <see cref="InvalidFilterException"/>; a known value without data in the
    /// period is kept (its figures are empty, n = 0).
    /// </summary>
    public MetricFilters Resolve(MetricFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ValidateShape(filters);
        if (filters.CaseTypes.Count == 0 && filters.ModelVersions.Count == 0 && filters.Regions.Count == 0 && filters.Vendors.Count == 0)
        {
            return filters;
        }

        return GetFilterValues().Resolve(filters);
    }
}
