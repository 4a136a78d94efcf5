namespace RiskOps.Etl.Demo;

/// <summary>
/// The demo's A/B experiments (contract v2 decisions' <c>experiment</c>/<c>variant</c>): one whose treatment is worse
/// (<c>rollback</c>) and one whose treatment is better (<c>ship</c>). Arms are assigned from a hash of the case id and
/// the case's own outcome — never from the generator's random stream — so adding the experiments changes no other demo
/// record or figure. Error cases and SLA misses lean towards the worse arm, which is how a worse policy shows.
/// </summary>
internal static class DemoExperiments
{
    /// <summary>RESET_2FA from 30 % of the period: the treatment (a new routing rule) misses the SLA far more often.</summary>
    public const string Worse = "reset2fa-threshold-2026-11";

    /// <summary>POA_REVIEW from 40 % of the period: the treatment (a new model) makes fewer errors and automates more.</summary>
    public const string Better = "poa-model-2026-11";

    /// <summary>The experiment and variant of one generated case, or nulls when it is in none.</summary>
    public static (string? Experiment, string? Variant) Assign(string caseId, string caseType, double progress, bool wrong, bool manual, bool slaMissed)
    {
        var u = Uniform(caseId);
        return caseType switch
        {
            "RESET_2FA" when progress >= 0.3 => (Worse, (slaMissed ? u < 0.95 : manual ? u < 0.3 : u < 0.5) ? "treatment" : "control"),
            "POA_REVIEW" when progress >= 0.4 => (Better, (wrong ? u < 0.1 : manual ? u < 0.45 : u < 0.6) ? "treatment" : "control"),
            _ => (null, null),
        };
    }

    /// <summary>A stable value in [0, 1) from the case id (FNV-1a).</summary>
    private static double Uniform(string caseId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in caseId)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (hash >> 11) / (double)(1UL << 53);
    }
}
