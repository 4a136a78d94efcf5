using System.Globalization;

namespace RiskOps.Web.Dashboard;

/// <summary>How figures are written on pages and in CSV: invariant culture, nulls as an em dash on pages.</summary>
internal static class Format
{
    /// <summary>Text for a missing figure (a ratio with a zero denominator).</summary>
    public const string None = "—";

    /// <summary>A ratio as a percentage with one decimal: <c>95.3 %</c>.</summary>
    public static string Pct(double? value) =>
        value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : None;

    /// <summary>A ratio with a Wilson interval: <c>95.3 % [94.1–96.2]</c>.</summary>
    public static string PctCi(double? value, double? low, double? high) =>
        value is null ? None
        : low is { } l && high is { } h ? $"{Pct(value)} [{(l * 100).ToString("0.0", CultureInfo.InvariantCulture)}–{(h * 100).ToString("0.0", CultureInfo.InvariantCulture)}]"
        : Pct(value);

    /// <summary>A change in percentage points: <c>+1.2 pp</c>.</summary>
    public static string DeltaPp(double? now, double? before) =>
        now is { } n && before is { } b ? ((n - b) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pp" : None;

    /// <summary>A plain number with the given decimals.</summary>
    public static string Num(double? value, int decimals = 3) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : None;

    /// <summary>A count (plain digits, so the CSV cell is a number).</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An instant in UTC: <c>2026-11-23 14:05 UTC</c>.</summary>
    public static string Instant(DateTimeOffset? value) =>
        value is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : None;

    /// <summary>Any value from a query result.</summary>
    public static string Value(object? value) => value switch
    {
        null => None,
        DateTimeOffset dto => Instant(dto),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => Instant(new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc))),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list and not string => string.Join(", ", list.Cast<object?>().Select(Value)),
        _ => value.ToString() ?? None,
    };
}
