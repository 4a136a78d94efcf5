using System.Globalization;

namespace RiskOps.Reports.Pdf;

/// <summary>
/// How every figure is printed in packs and email summaries, so tests can format the warehouse's figure the same
/// way and find it in the PDF: ratios as percentages with one decimal ("96.1 %"), counts with thousands separators,
/// scores (ECE, Brier, kappa, thresholds) with fixed decimals, nulls as "n/a". Invariant culture throughout.
/// </summary>
public static class ReportFormat
{
    /// <summary>What a null figure prints as.</summary>
    public const string NotAvailable = "n/a";

    /// <summary>A ratio as a percentage with one decimal, e.g. 0.9612 → "96.1 %".</summary>
    public static string Percent(double? ratio) =>
        ratio is { } r && double.IsFinite(r) ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : NotAvailable;

    /// <summary>A change of a ratio in percentage points with sign, e.g. "+1.2 pts".</summary>
    public static string Points(double? current, double? previous)
    {
        if (current is not { } c || previous is not { } p)
        {
            return NotAvailable;
        }

        var delta = Math.Round((c - p) * 100, 1, MidpointRounding.AwayFromZero);
        return (delta > 0 ? "+" : delta < 0 ? "−" : "±") + Math.Abs(delta).ToString("0.0", CultureInfo.InvariantCulture) + " pts";
    }

    /// <summary>A count, e.g. 12345 → "12,345".</summary>
    public static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A score with <paramref name="decimals"/> decimals (ECE, Brier, kappa, lift).</summary>
    public static string Number(double? value, int decimals = 3) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : NotAvailable;

    /// <summary>A threshold with two decimals ("0.87").</summary>
    public static string Threshold(double? value) => Number(value, 2);

    /// <summary>Hours with one decimal ("3.4 h").</summary>
    public static string Hours(double? value) => value is { } v && double.IsFinite(v) ? Number(v, 1) + " h" : NotAvailable;

    /// <summary>A 95 % interval of ratios as percentages, "94.0–97.1 %" (one unbreakable group in tables).</summary>
    public static string Interval(double? low, double? high) =>
        low is { } l && high is { } h && double.IsFinite(l) && double.IsFinite(h)
            ? (l * 100).ToString("0.0", CultureInfo.InvariantCulture) + "–" + Percent(h)
            : NotAvailable;

    /// <summary>An instant in UTC, "2026-11-23 06:00 UTC".</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
