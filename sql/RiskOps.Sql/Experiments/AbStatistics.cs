namespace RiskOps.Sql.Experiments;

/// <summary>
/// The interval arithmetic of contract §2 "A/B comparisons": Wilson score intervals (also on a non-integer effective
/// n), the Newcombe hybrid score interval of a difference (Newcombe 1998, method 10) and the significance rule.
/// </summary>
public static class AbStatistics
{
    /// <summary>The 95 % two-sided normal quantile of the contract.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>An arm needs at least this n on both sides for a difference to be significant.</summary>
    public const double MinimumN = 30;

    /// <summary>
    /// The 95 % Wilson score interval of a share <paramref name="p"/> observed on <paramref name="n"/> cases (n may be an
    /// effective n, (Σw)²/Σw²); null when n is not positive.
    /// </summary>
    public static (double Low, double High)? Wilson(double p, double n, double z = Z95)
    {
        if (!(n > 0) || double.IsNaN(p))
        {
            return null;
        }

        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(Math.Max(0, p * (1 - p) / n + z2 / (4 * n * n)));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>
    /// The Newcombe hybrid score interval (method 10) of <c>p1 − p2</c> from the two Wilson intervals:
    /// low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²). Null when either n is not positive.
    /// </summary>
    public static (double Diff, double Low, double High)? Newcombe(double p1, double n1, double p2, double n2, double z = Z95)
    {
        if (Wilson(p1, n1, z) is not var (l1, u1) || Wilson(p2, n2, z) is not var (l2, u2))
        {
            return null;
        }

        var diff = p1 - p2;
        var low = diff - Math.Sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
        var high = diff + Math.Sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
        return (diff, low, high);
    }

    /// <summary>The effective n of weights with sum <paramref name="sum"/> and sum of squares <paramref name="sumOfSquares"/>; 0 when none.</summary>
    public static double EffectiveN(double sum, double sumOfSquares) => sumOfSquares > 0 ? sum * sum / sumOfSquares : 0;

    /// <summary>A ratio, null for a zero (or non-positive) denominator.</summary>
    public static double? Ratio(double numerator, double denominator) => denominator > 0 ? numerator / denominator : null;
}
