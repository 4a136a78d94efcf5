namespace RiskOps.Sql.Experiments;

/// <summary>
/// The guard rails beside an A/B verdict (issue 15 item 2): the sample size that would settle a <c>continue</c> at the
/// observed difference, and the sample-ratio-mismatch (SRM) test of the arms' decision counts against the planned split.
/// </summary>
public static class GuardRails
{
    /// <summary>z for the contract's two-sided alpha 0.05 (1 − α/2 = 0.975).</summary>
    public const double ZAlpha = AbStatistics.Z95;

    /// <summary>z for 80 % power (the 0.8 quantile of the standard normal).</summary>
    public const double ZPower = 0.8416212335729143;

    /// <summary>An SRM is flagged below this chi-square p-value.</summary>
    public const double SrmAlpha = 0.001;

    /// <summary>An experiment that has run fewer days than this carries a warning (weekly cycles not yet covered).</summary>
    public const int MinimumDays = 7;

    /// <summary>
    /// Cases per arm that a two-sided two-proportion z-test at α = 0.05 needs to detect the difference between
    /// <paramref name="p1"/> and <paramref name="p2"/> with 80 % power (normal approximation, equal arms, no continuity
    /// correction): n = (z_α/2·√(2·p̄(1 − p̄)) + z_β·√(p1(1 − p1) + p2(1 − p2)))² / (p1 − p2)², p̄ = (p1 + p2)/2,
    /// rounded up, and at least the contract's 30. Null when the two shares are equal (no observed difference can be
    /// settled) or either is not a share.
    /// </summary>
    public static long? RequiredPerArm(double p1, double p2)
    {
        if (double.IsNaN(p1) || double.IsNaN(p2) || p1 < 0 || p1 > 1 || p2 < 0 || p2 > 1 || p1 == p2)
        {
            return null;
        }

        var mean = (p1 + p2) / 2;
        var root = ZAlpha * Math.Sqrt(2 * mean * (1 - mean)) + ZPower * Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        var n = root * root / ((p1 - p2) * (p1 - p2));
        // A 1e-9 slack so a hand value that is an integer up to rounding is not pushed one case up.
        return Math.Max((long)AbStatistics.MinimumN, (long)Math.Ceiling(n - 1e-9));
    }

    /// <summary>
    /// Pearson's chi-square of observed counts against expected shares (the shares need not sum to 1: they are
    /// normalised), with k − 1 degrees of freedom, and its upper-tail p-value. Null when fewer than two arms or no counts.
    /// </summary>
    public static (double ChiSquare, int DegreesOfFreedom, double PValue)? SampleRatioMismatch(IReadOnlyList<long> observed, IReadOnlyList<double> plannedShares)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(plannedShares);
        if (observed.Count != plannedShares.Count || observed.Count < 2)
        {
            return null;
        }

        var total = observed.Sum();
        var shareSum = plannedShares.Sum();
        if (total <= 0 || !(shareSum > 0) || plannedShares.Any(s => !(s > 0)))
        {
            return null;
        }

        var chi = 0.0;
        for (var i = 0; i < observed.Count; i++)
        {
            var expected = total * plannedShares[i] / shareSum;
            chi += (observed[i] - expected) * (observed[i] - expected) / expected;
        }

        var df = observed.Count - 1;
        return (chi, df, ChiSquareSurvival(chi, df));
    }

    /// <summary>P(X ≥ x) for a chi-square X with <paramref name="df"/> degrees of freedom: Q(df/2, x/2).</summary>
    public static double ChiSquareSurvival(double x, int df)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(df, 1);
        return x <= 0 ? 1 : UpperRegularizedGamma(df / 2.0, x / 2);
    }

    /// <summary>Q(a, x) = Γ(a, x)/Γ(a): the series for x &lt; a + 1, else Lentz's continued fraction (Numerical Recipes 6.2).</summary>
    private static double UpperRegularizedGamma(double a, double x)
    {
        var logPrefix = -x + a * Math.Log(x) - LogGamma(a);
        if (x < a + 1)
        {
            var term = 1 / a;
            var sum = term;
            for (var n = 1; n < 1000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * 1e-16)
                {
                    break;
                }
            }

            return Math.Max(0, 1 - sum * Math.Exp(logPrefix));
        }

        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    /// <summary>ln Γ(z) for z &gt; 0 (Lanczos, g = 7, n = 9: ~15 significant digits).</summary>
    private static double LogGamma(double z)
    {
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (z < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1 - z);
        }

        z -= 1;
        var x = c[0];
        for (var i = 1; i < 9; i++)
        {
            x += c[i] / (z + i);
        }

        var t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(x);
    }
}
