namespace RiskOps.Etl.Demo;

/// <summary>A pattern deliberately planted in the demo data, which the cluster analysis (contract §2) should surface.</summary>
/// <param name="CaseType">The case type it lives in.</param>
/// <param name="Label">The error label, <c>FP</c> or <c>FN</c>.</param>
/// <param name="Signals">The signal set, sorted.</param>
/// <param name="RootCauseType">The root-cause type most of its errors carry (<c>A</c>, <c>B</c> or <c>C</c>).</param>
/// <param name="RootCauseCode">The root-cause code most of its errors carry.</param>
/// <param name="Route">The route the root-cause type implies, as the warehouse names it: <c>retrain</c> (A), <c>threshold_rules</c> (B) or <c>sop_update</c> (C).</param>
/// <param name="Description">One sentence for people.</param>
public sealed record PlantedPattern(
    string CaseType,
    string Label,
    IReadOnlyList<string> Signals,
    string RootCauseType,
    string RootCauseCode,
    string Route,
    string Description)
{
    /// <summary>A one-line summary, e.g. <c>ATO FP {new_device, vpn_ip} → A ATO.new_device_overweighted (retrain)</c>.</summary>
    public override string ToString() =>
        $"{CaseType} {Label} {{{string.Join(", ", Signals)}}} → {RootCauseType} {RootCauseCode} ({Route}): {Description}";
}

/// <summary>A case type of the demo: its share of cases, auto-decision threshold, base rate of true blocks and signals.</summary>
/// <param name="Name">The case type.</param>
/// <param name="Share">Share of all cases.</param>
/// <param name="Threshold">Auto-decision threshold in force.</param>
/// <param name="BadRate">Share of cases whose truth is block.</param>
/// <param name="Signals">Signals that can fire for the type, with the probability each fires on its own.</param>
public sealed record DemoCaseType(string Name, double Share, double Threshold, double BadRate, IReadOnlyList<(string Signal, double Probability)> Signals);

/// <summary>
/// The story the demo data tells, for tests and docs to cite. Every figure here is what the generator uses.
/// </summary>
public static class DemoScenario
{
    /// <summary>The model that scores the first part of the span.</summary>
    public const string OldModel = "risk-agent-3.1";

    /// <summary>The model rolled out at <see cref="ModelSwitchFraction"/> of the span.</summary>
    public const string NewModel = "risk-agent-3.2";

    /// <summary>Where in the span (0..1) the new model takes over.</summary>
    public const double ModelSwitchFraction = 0.5;

    /// <summary>Priority from which a user is a key user (contract §1).</summary>
    public const int KeyUserPriority = 75;

    /// <summary>The BPO vendors; <see cref="DriftingVendor"/> is the one whose QA accuracy falls week by week.</summary>
    public static IReadOnlyList<string> Vendors { get; } = ["AtlasCX", "Northbridge", "Keystone"];

    /// <summary>The vendor whose decision accuracy drifts down from about 0.99 to about 0.77 over the span.</summary>
    public const string DriftingVendor = "Keystone";

    /// <summary>Regions and their shares.</summary>
    public static IReadOnlyList<(string Region, double Share)> Regions { get; } =
        [("EU", 0.34), ("APAC", 0.30), ("LATAM", 0.14), ("NA", 0.12), ("MEA", 0.10)];

    /// <summary>The case types, their mix, thresholds, base rates and signals.</summary>
    public static IReadOnlyList<DemoCaseType> CaseTypes { get; } =
    [
        new("KYC_AUDIT", 0.30, 0.85, 0.14,
            [("doc_mismatch", 0.35), ("sybil_cluster", 0.22), ("face_mismatch", 0.10), ("pep_hit", 0.04), ("high_risk_country", 0.12), ("address_mismatch", 0.15)]),
        new("ATO", 0.25, 0.90, 0.20,
            [("new_device", 0.45), ("vpn_ip", 0.31), ("geo_velocity", 0.14), ("password_reset_recent", 0.12), ("sim_swap", 0.05), ("session_anomaly", 0.10)]),
        new("RESET_2FA", 0.15, 0.80, 0.12,
            [("new_device", 0.40), ("sim_swap", 0.08), ("support_ticket_recent", 0.20), ("geo_velocity", 0.10), ("email_changed", 0.12)]),
        new("POA_REVIEW", 0.12, 0.85, 0.10,
            [("doc_tampered", 0.06), ("address_mismatch", 0.18), ("utility_bill_old", 0.20), ("doc_mismatch", 0.12), ("high_risk_country", 0.10)]),
        new("WITHDRAWAL_ANOMALY", 0.18, 0.92, 0.16,
            [("mule_pattern", 0.14), ("new_address", 0.30), ("large_amount", 0.22), ("velocity_spike", 0.15), ("mixer_exposure", 0.05), ("vpn_ip", 0.15)]),
    ];

    /// <summary>The planted patterns, in the order the generator plants them.</summary>
    public static IReadOnlyList<PlantedPattern> PlantedPatterns { get; } =
    [
        new("ATO", "FP", ["new_device", "vpn_ip"], "A", "ATO.new_device_overweighted", "retrain",
            "the agent blocks legitimate logins from a new device behind a VPN, confidently (mostly auto-decided; worse after the switch to risk-agent-3.2); found through complaints, audit samples and reviews"),
        new("WITHDRAWAL_ANOMALY", "FN", ["mule_pattern"], "C", "WITHDRAWAL.mule_pattern_unhandled", "sop_update",
            "the agent passes money-mule withdrawals; no SOP covers the scenario (listed in sop_coverage as not covered), so it shows as an SOP gap; found through chargebacks, audit samples and reviews"),
        new("KYC_AUDIT", "FP", ["doc_mismatch", "sybil_cluster"], "B", "KYC.sybil_threshold_too_low", "threshold_rules",
            "the agent blocks legitimate KYC cases flagged as both sybil cluster and document mismatch with confidence just above the 0.85 threshold; a higher threshold would send them to people"),
    ];

    /// <summary>The case type of the planted drift (an early warning without labels, docs/metrics.md "Drift").</summary>
    public const string DriftCaseType = "KYC_AUDIT";

    /// <summary>The signal whose rate shifts.</summary>
    public const string DriftSignal = "high_risk_country";

    /// <summary>The signal's rate from <see cref="DriftStart"/> on, on <see cref="DriftCaseType"/> cases of <see cref="NewModel"/> (0.12 before, as listed in <see cref="CaseTypes"/>).</summary>
    public const double DriftRate = 0.42;

    /// <summary>
    /// Where the planted drift starts for a demo ending at <paramref name="asOf"/>: the Monday 00:00 UTC that starts the
    /// last complete ISO week before it, so the drift is in that week and in the week in progress, and that week — the
    /// default week of the dashboard and of the pack — is the one a PSI flags against the week before.
    /// </summary>
    public static DateTimeOffset DriftStart(DateTimeOffset asOf)
    {
        var day = asOf.UtcDateTime.Date;
        var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        return new DateTimeOffset(monday.AddDays(-7), TimeSpan.Zero);
    }

    /// <summary>The planted drift in one line, for the docs and <c>riskops demo</c>.</summary>
    public static string PlantedDrift => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{DriftCaseType} × {NewModel}: {DriftSignal} fires on {DriftRate * 100:0} % of cases from the last complete ISO week on (12 % before) — a change to the country list the new model reads, with no label moved yet; the week's PSI of that signal is flagged, nothing else is");

    /// <summary>Other things the demo data holds on purpose, for the docs.</summary>
    public static IReadOnlyList<string> OtherFeatures { get; } =
    [
        "two model versions: risk-agent-3.1 for the first half of the span, risk-agent-3.2 after",
        "routing = manual exactly when confidence < the case type's threshold (KYC_AUDIT 0.85, ATO 0.90, RESET_2FA 0.80, POA_REVIEW 0.85, WITHDRAWAL_ANOMALY 0.92)",
        "about 12 % key users (priority ≥ 75): most of their manual cases are escalated or reviewed by a senior/lead, about one in six is not",
        "in-house reviewers and three BPO vendors (AtlasCX, Northbridge, Keystone), tiers agent/senior/lead, escalations giving up to three reviews per case",
        "a queue-delay tail and cases parked for days waiting for customer documents that breach the 4 h SLA; an open backlog at the as-of instant (recent and parked cases plus about 1 % stuck ones days old)",
        "labels for 92 % of resolved manual cases (label_source review), a 10 % audit_sample of auto cases with sample_weight 10, fraud-ops confirmations (label_source other) on half of the correct auto blocks, complaints on 60 % of wrong auto blocks and chargebacks (or fraud investigations, label_source other) on 70 % of wrong auto passes, arriving days later",
        "about 3 % of labeled cases re-labelled later (both rows land; the later one is the truth)",
        "about 2 % of annotations longer than three sentences (landed with annotation_flagged)",
        "QA audits on 40 % of resolved BPO reviews and 15 % of in-house ones; in-house accuracy 0.99, AtlasCX 0.985, Northbridge 0.978, while Keystone drifts from 0.99 down to 0.77 over the weeks",
        "an SOP catalogue per case type (23 scenarios, 18 covered at the end): RESET_2FA.sim_swap_recent is re-written from not covered to covered mid-span; type-C codes WITHDRAWAL.mule_pattern_unhandled (listed, not covered) and POA.foreign_utility_bill (not listed) are SOP gaps",
    ];

    /// <summary>The whole story as text (markdown bullet list).</summary>
    public static string Description =>
        "Planted patterns:\n" + string.Join("\n", PlantedPatterns.Select(p => "- " + p)) +
        "\nPlanted drift:\n- " + PlantedDrift +
        "\nAlso:\n" + string.Join("\n", OtherFeatures.Select(f => "- " + f));
}
