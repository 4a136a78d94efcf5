namespace RiskOps.Sql.Drift;

/// <summary>The population stability index: PSI = Σ (b − a) · ln(b / a) over bins, a the earlier week's shares, b the later's.</summary>
public static class DriftCalculator
{
    /// <summary>A PSI above 0.2 is flagged (0.1–0.2 is commonly read as a moderate shift, above 0.2 as significant).</summary>
    public const double FlagAbove = 0.2;

    /// <summary>An empty bin's share is taken as 0.0001 (so ln stays finite; shares are not renormalised).</summary>
    public const double Epsilon = 0.0001;

    /// <summary>Weeks with fewer decisions than this are not compared for a flag.</summary>
    public const long MinimumDecisions = 30;

    /// <summary>A flagged shift must also be unlikely by chance: p below this (see <see cref="PValue"/>).</summary>
    public const double MaximumPValue = 0.01;

    /// <summary>
    /// The chance of a PSI at least this large between two samples of one distribution: PSI is the Jeffreys divergence of
    /// the two weeks' shares, and PSI · n₁n₂ / (n₁ + n₂) is asymptotically χ² with bins − 1 degrees of freedom. With ~60
    /// decisions a week, 10 bins give PSI ≈ 0.3 by chance alone, so the 0.2 line flags only with this test passed.
    /// </summary>
    public static double PValue(double psi, long before, long after, int bins) =>
        before <= 0 || after <= 0 ? 1 : Experiments.GuardRails.ChiSquareSurvival(psi * before * after / (double)(before + after), bins - 1);

    /// <summary>Whether a PSI is flagged: above <see cref="FlagAbove"/>, both weeks with ≥ 30 decisions, and p &lt; 0.01.</summary>
    public static bool Flag(double psi, long before, long after, int bins) =>
        psi > FlagAbove && before >= MinimumDecisions && after >= MinimumDecisions && PValue(psi, before, after, bins) < MaximumPValue;

    /// <summary>PSI of two share vectors of the same bins (each summing to 1).</summary>
    public static double Psi(IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Count != after.Count)
        {
            throw new ArgumentException("the two distributions have different bins", nameof(after));
        }

        var psi = 0.0;
        for (var i = 0; i < before.Count; i++)
        {
            var a = Math.Max(before[i], Epsilon);
            var b = Math.Max(after[i], Epsilon);
            psi += (b - a) * Math.Log(b / a);
        }

        return psi;
    }

    /// <summary>PSI of a rate: the two-bin distribution {fired, not fired}.</summary>
    public static double RatePsi(double before, double after) => Psi([before, 1 - before], [after, 1 - after]);
}
