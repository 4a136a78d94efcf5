using RiskOps.Sql.Model;

namespace RiskOps.Sql;

/// <summary>
/// The one place figures are computed: a DuckDB connection with the documented views bound to a lake, and the named
/// metric SQL files. Serves the CLI, the dashboard and the reports.
/// </summary>
public sealed partial class Warehouse : IDisposable
{
    /// <summary>Opens the views over the lake at <paramref name="lakeRoot"/> (an empty or missing lake gives empty views).</summary>
    public static Warehouse Open(string lakeRoot) => throw new NotImplementedException();

    /// <summary>Validates filters (throws <see cref="InvalidFilterException"/> with one clear line).</summary>
    public void Validate(MetricFilters filters) => throw new NotImplementedException();

    /// <summary>All figures of contract §2 for the filters, open cases aged to <paramref name="asOf"/>.</summary>
    public MetricsReport GetMetrics(MetricFilters filters, DateTimeOffset asOf) => throw new NotImplementedException();

    /// <summary>Runs a read-only query over the documented views; returns column names and rows.</summary>
    public QueryResult Query(string sql) => throw new NotImplementedException();

    /// <summary>The view definitions bound to this lake, ready to paste into any DuckDB.</summary>
    public string PrintViews() => throw new NotImplementedException();

    /// <summary>Known case types in the lake (for filter validation and UI lists).</summary>
    public IReadOnlyList<string> CaseTypes() => throw new NotImplementedException();

    public void Dispose()
    {
    }
}

/// <summary>A tabular answer.</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);
