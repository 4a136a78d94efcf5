namespace RiskOps.Sql.Statistics;

/// <summary>The standard normal distribution's cumulative distribution function.</summary>
public static class NormalDistribution
{
    /// <summary>
    /// Φ(x) = P(Z ≤ x) for a standard normal Z, by Hart's double-precision rational approximation (algorithm 5666, as
    /// given by G. West, "Better approximations to cumulative normal functions", 2005): absolute error below 1e-15, and
    /// the tails (|x| ≥ 7.07) by a continued fraction, so a p-value far below 0.05 still has its right magnitude.
    /// </summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        var a = Math.Abs(x);
        double tail;
        if (a > 37)
        {
            tail = 0;
        }
        else
        {
            var e = Math.Exp(-a * a / 2);
            if (a < 7.07106781186547)
            {
                var n = (3.52624965998911E-02 * a) + 0.700383064443688;
                n = (n * a) + 6.37396220353165;
                n = (n * a) + 33.912866078383;
                n = (n * a) + 112.079291497871;
                n = (n * a) + 221.213596169931;
                n = (n * a) + 220.206867912376;
                var d = (8.83883476483184E-02 * a) + 1.75566716318264;
                d = (d * a) + 16.064177579207;
                d = (d * a) + 86.7807322029461;
                d = (d * a) + 296.564248779674;
                d = (d * a) + 637.333633378831;
                d = (d * a) + 793.826512519948;
                d = (d * a) + 440.413735824752;
                tail = e * n / d;
            }
            else
            {
                var b = a + 0.65;
                b = a + (4 / b);
                b = a + (3 / b);
                b = a + (2 / b);
                b = a + (1 / b);
                tail = e / b / 2.506628274631;
            }
        }

        return x > 0 ? 1 - tail : tail;
    }
}
