namespace RiskOps.Sql.Statistics;

/// <summary>
/// The sample-size and significance rules of contract §2 ("v2 — sample size and significance"): a ratio needs n ≥ 30 to
/// have a status, and a change between two periods is significant when both n ≥ 30 and a two-sided two-proportion
/// z-test with pooled variance gives p &lt; 0.05.
/// </summary>
public static class Significance
{
    /// <summary>The smallest n a ratio needs to be coloured (red/amber/green) or cited.</summary>
    public const long MinimumN = 30;

    /// <summary>The p-value below which a change is significant.</summary>
    public const double Alpha = 0.05;

    /// <summary>Whether a ratio over <paramref name="n"/> cases has a status (n ≥ 30); below that it is shown greyed, "n &lt; 30".</summary>
    public static bool HasStatus(long n) => n >= MinimumN;

    /// <summary>
    /// The two-sided p-value of the pooled two-proportion z-test of k1/n1 against k2/n2: pooled share
    /// p = (k1 + k2) / (n1 + n2), z = (k1/n1 − k2/n2) / √(p(1 − p)(1/n1 + 1/n2)), p-value = 2·Φ(−|z|). Null when either n is 0
    /// or the pooled share is 0 or 1 (no variance: nothing to test).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or above its n.</exception>
    public static double? TwoProportionPValue(long k1, long n1, long k2, long n2)
    {
        Check(k1, n1);
        Check(k2, n2);
        if (n1 == 0 || n2 == 0 || k1 + k2 == 0 || k1 + k2 == n1 + n2)
        {
            return null;
        }

        var pooled = (double)(k1 + k2) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        var z = (((double)k1 / n1) - ((double)k2 / n2)) / se;
        return Math.Min(1.0, 2 * NormalDistribution.Cdf(-Math.Abs(z)));
    }

    /// <summary>
    /// Whether the change from k1/n1 to k2/n2 is significant: both n ≥ 30 and <see cref="TwoProportionPValue"/> &lt; 0.05
    /// (a pooled share of 0 or 1 never is). Only a significant change may be called a rise or a fall.
    /// </summary>
    public static bool IsSignificantChange(long k1, long n1, long k2, long n2) =>
        HasStatus(n1) && HasStatus(n2) && TwoProportionPValue(k1, n1, k2, n2) is { } p && p < Alpha;

    private static void Check(long k, long n)
    {
        if (n < 0 || k < 0 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "successes must be between 0 and the trials");
        }
    }
}
