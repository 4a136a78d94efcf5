namespace RiskOps.Sql.Model;

/// <summary>
/// The FILTERS of contract §3. Dates are UTC dates, inclusive, on <c>scored_at</c>; weeks are UTC ISO weeks (<c>2026-W47</c>).
/// Every list is OR within the list and AND across lists; an empty list means "no restriction".
/// </summary>
public sealed record MetricFilters
{
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public IReadOnlyList<string> Weeks { get; init; } = [];
    public IReadOnlyList<string> CaseTypes { get; init; } = [];
    public IReadOnlyList<string> ModelVersions { get; init; } = [];
    public IReadOnlyList<string> Regions { get; init; } = [];
    public IReadOnlyList<string> Vendors { get; init; } = [];

    /// <summary>No restriction.</summary>
    public static MetricFilters None { get; } = new();
}

/// <summary>A filter value that is not valid (reversed dates, malformed week, unknown case type...). The message is one clear line.</summary>
public sealed class InvalidFilterException(string message) : Exception(message);

/// <summary>How much of <c>GetMetrics</c> to compute.</summary>
public enum MetricsDetail
{
    /// <summary>Every figure.</summary>
    Full,

    /// <summary>
    /// The per-slice figures, reliability, SOP and data quality — every figure except p50/p90 resolution hours (left
    /// null) and the per org/vendor/reviewer/week <c>quality</c> table (left empty): what a dashboard overview or a trend
    /// needs, from the small daily rollups alone.
    /// </summary>
    Overview,
}
