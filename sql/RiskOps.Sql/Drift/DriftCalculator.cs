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
