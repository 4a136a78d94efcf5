namespace RiskOps.Sql.Statistics;

/// <summary>The Wilson score interval of a binomial proportion k / n (the formula of the SQL macros <c>wilson_low/high</c>).</summary>
public static class Wilson
{
    /// <summary>z of a two-sided 95 % interval (contract §2).</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>z of the one-sided 99.9 % bound the pattern clusters qualify with (contract §2, strict because many sets are tested).</summary>
    public const double Z999 = 3.290526731491926;

    /// <summary>The interval of <paramref name="k"/> successes in <paramref name="n"/> trials; null when n = 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is negative or above n.</exception>
    public static (double Low, double High)? Interval(long k, long n, double z = Z95)
    {
        if (k < 0 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "successes must be between 0 and the trials");
        }

        if (n == 0)
        {
            return null;
        }

        // The same operations, in the same order, as views/macros.sql, so C# and SQL bounds agree to the last bit where
        // they can.
        var p = (double)k / n;
        var z2 = z * z;
        var center = p + (z2 / (2.0 * n));
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        var scale = 1 + (z2 / n);
        return ((center - half) / scale, (center + half) / scale);
    }

    /// <summary>The lower bound of <see cref="Interval"/>; null when n = 0.</summary>
    public static double? Lower(long k, long n, double z = Z95) => Interval(k, n, z)?.Low;

    /// <summary>The upper bound of <see cref="Interval"/>; null when n = 0.</summary>
    public static double? Upper(long k, long n, double z = Z95) => Interval(k, n, z)?.High;
}
