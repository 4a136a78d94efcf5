using System.Globalization;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Kpis;

/// <summary>
/// Contract v2's significance rule for a change between two periods: both n ≥ 30 and a two-sided two-proportion z-test
/// with pooled variance gives p &lt; 0.05; a pooled share of 0 or 1 is never significant. (sql-analysis ships the same
/// rule in the warehouse's statistics; the two are meant to be unified.)
/// </summary>
public static class Significance
{
    /// <summary>The two-sided level below which a change is significant.</summary>
    public const double Alpha = 0.05;

    /// <summary>
    /// The two-sided p-value of the pooled two-proportion z-test of x1/n1 vs x2/n2; null when either n is 0 or the
    /// pooled share is 0 or 1 (no variance: nothing to test).
    /// </summary>
    public static double? PValue(long x1, long n1, long x2, long n2)
    {
        if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
        {
            return null;
        }

        var pooled = (double)(x1 + x2) / (n1 + n2);
        if (pooled <= 0 || pooled >= 1)
        {
            return null;
        }

        var se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        var z = Math.Abs((double)x1 / n1 - (double)x2 / n2) / se;
        return Math.Min(1, Erfc(z / Math.Sqrt(2)));
    }

    /// <summary>True when the change between the two proportions is significant under the contract's rule.</summary>
    public static bool IsSignificant(long x1, long n1, long x2, long n2) =>
        n1 >= Kpi.MinimumN && n2 >= Kpi.MinimumN && PValue(x1, n1, x2, n2) is { } p && p < Alpha;

    /// <summary>
    /// Complementary error function (Chebyshev fit, Numerical Recipes' erfcc: fractional error below 1.2e-7 everywhere,
    /// ample for a 0.05 decision).
    /// </summary>
    internal static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}

/// <summary>A KPI's change between two periods, judged by the significance rule.</summary>
/// <param name="Kpi">The KPI.</param>
/// <param name="Current">This period's value.</param>
/// <param name="Previous">The previous period's value.</param>
/// <param name="CurrentN">This period's n.</param>
/// <param name="PreviousN">The previous period's n.</param>
/// <param name="PValue">The z-test's p-value (null when not testable).</param>
/// <param name="Significant">True when the change may be called a rise or a fall.</param>
public sealed record KpiChange(Kpi Kpi, double? Current, double? Previous, long? CurrentN, long? PreviousN, double? PValue, bool Significant)
{
    /// <summary>Compares a KPI in two metric sets.</summary>
    public static KpiChange Of(Kpi kpi, MetricSet current, MetricSet previous)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(previous);
        var now = kpi.Value(current);
        var before = kpi.Value(previous);
        var a = kpi.Counts(current);
        var b = kpi.Counts(previous);
        if (now is null || before is null || a is null || b is null)
        {
            return new KpiChange(kpi, now, before, a?.N, b?.N, null, false);
        }

        if (kpi.Census)
        {
            // A census has no sampling error: any change of the catalogue is a real change.
            return new KpiChange(kpi, now, before, a.Value.N, b.Value.N, null, Math.Abs(now.Value - before.Value) > 1e-12);
        }

        if (!kpi.Proportion)
        {
            return new KpiChange(kpi, now, before, a.Value.N, b.Value.N, null, false);
        }

        var p = Significance.PValue(a.Value.Successes, a.Value.N, b.Value.Successes, b.Value.N);
        return new KpiChange(kpi, now, before, a.Value.N, b.Value.N, p,
            Significance.IsSignificant(a.Value.Successes, a.Value.N, b.Value.Successes, b.Value.N));
    }

    /// <summary>The change in percentage points (null when either value is missing).</summary>
    public double? Points => Current is { } c && Previous is { } p ? (c - p) * 100 : null;

    /// <summary>"rose", "fell", or "no significant change" (never a direction for a change that is not significant).</summary>
    public string Verb => !Significant || Points is not { } d || d == 0 ? "no significant change" : d > 0 ? "rose" : "fell";

    /// <summary>The change as a short label for a card: "+1.2 pts ▲ significant" or "+1.2 pts (not significant)".</summary>
    public string Label
    {
        get
        {
            if (Points is not { } d)
            {
                return "n/a";
            }

            var text = (d > 0 ? "+" : d < 0 ? "−" : "±") + Math.Abs(Math.Round(d, 1, MidpointRounding.AwayFromZero)).ToString("0.0", CultureInfo.InvariantCulture) + " pts";
            if (!Kpi.Proportion && !Kpi.Census)
            {
                return Kpi.Format == KpiFormat.Score ? ScoreDelta() : text;
            }

            return Significant ? text + (d > 0 ? " ▲ significant" : " ▼ significant") : text + " (not significant)";
        }
    }

    /// <summary>The change for a narrow table column: "−1.4 pts", with " *" when significant (the column header explains the star).</summary>
    public string ShortLabel => Label.Replace(" ▲ significant", " *", StringComparison.Ordinal).Replace(" ▼ significant", " *", StringComparison.Ordinal)
        .Replace(" (not significant)", "", StringComparison.Ordinal);

    /// <summary>A sentence for the "what changed" narrative, with both n and the p-value.</summary>
    public string Sentence()
    {
        var change = Label.Replace(" ▲ significant", "", StringComparison.Ordinal).Replace(" ▼ significant", "", StringComparison.Ordinal);
        var p = PValue is { } value ? ", p " + (value < 0.001 ? "< 0.001" : "= " + value.ToString("0.000", CultureInfo.InvariantCulture)) : "";
        return $"{Kpi.Name} {Verb} from {Kpi.Show(Previous)} (n = {Count(PreviousN)}) to {Kpi.Show(Current)} (n = {Count(CurrentN)}), {change}{p}.";
    }

    private static string Count(long? n) => n is { } v ? v.ToString("#,0", CultureInfo.InvariantCulture) : "n/a";

    private string ScoreDelta() =>
        Current is { } c && Previous is { } p ? (c - p >= 0 ? "+" : "−") + Math.Abs(c - p).ToString("F3", CultureInfo.InvariantCulture) : "n/a";
}
