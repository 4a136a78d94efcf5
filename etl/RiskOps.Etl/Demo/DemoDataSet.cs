using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Demo;

/// <summary>
/// The demo data as a deterministic stream of contract records. One <see cref="System.Random"/> seeded with
/// <see cref="DemoOptions.Seed"/> drives everything and no clock is read, so the same options give the same rows.
/// Nothing is emitted that happens after <see cref="To"/> (the as-of instant): a review still running then is open,
/// a label not yet given is absent.
/// </summary>
public sealed class DemoDataSet
{
    private const long Minute = 60;
    private const long Hour = 3600;
    private const long Day = 86400;

    /// <summary>Share of auto-decided cases QA samples for a label.</summary>
    private const double AuditSampleRate = 0.10;

    /// <summary>The sample_weight of an audit_sample label: 1 / <see cref="AuditSampleRate"/>.</summary>
    private const double AuditSampleWeight = 10.0;

    private static readonly string[] RegionNames = DemoScenario.Regions.Select(r => r.Region).ToArray();
    private static readonly double[] RegionCumulative = Cumulative(DemoScenario.Regions.Select(r => r.Share));
    private static readonly double[] CaseTypeCumulative = Cumulative(DemoScenario.CaseTypes.Select(c => c.Share));
    private static readonly double[] VendorCumulative = Cumulative([0.34, 0.33, 0.33]);

    private readonly long _fromSec;
    private readonly long _toSec;
    private readonly long _driftFromSec;

    private DemoDataSet(DemoOptions options, DateTimeOffset asOf)
    {
        Options = options;
        To = asOf;
        From = asOf.AddDays(-7.0 * options.Weeks);
        _fromSec = From.ToUnixTimeSeconds();
        _toSec = To.ToUnixTimeSeconds();
        DriftFrom = DemoScenario.DriftStart(To);
        _driftFromSec = DriftFrom.ToUnixTimeSeconds();
    }

    /// <summary>The options, as given.</summary>
    public DemoOptions Options { get; }

    /// <summary>Start of the span (inclusive): <see cref="To"/> minus the weeks.</summary>
    public DateTimeOffset From { get; }

    /// <summary>End of the span, the as-of instant (exclusive for scored_at; nothing later is emitted).</summary>
    public DateTimeOffset To { get; }

    /// <summary>
    /// From this instant (the Monday 00:00 UTC that starts the last complete ISO week before <see cref="To"/>) the planted
    /// drift is in force: <see cref="DemoScenario.DriftSignal"/> fires at <see cref="DemoScenario.DriftRate"/> on
    /// <see cref="DemoScenario.DriftCaseType"/> cases of <see cref="DemoScenario.NewModel"/>.
    /// </summary>
    public DateTimeOffset DriftFrom { get; }

    /// <summary>Validates the options and fixes the span. As-of defaults to the clock's now rounded down to the UTC day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Cases, weeks out of range.</exception>
    public static DemoDataSet Create(DemoOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Cases is < 1 or > 100_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Cases, "cases must be between 1 and 100,000,000");
        }

        if (options.Weeks is < 1 or > 520)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Weeks, "weeks must be between 1 and 520");
        }

        var asOf = options.AsOf?.ToUniversalTime() ?? DefaultAsOf(time);
        // Whole seconds keep every timestamp exact in CSV, NDJSON and Parquet micros alike.
        asOf = DateTimeOffset.FromUnixTimeSeconds(asOf.ToUnixTimeSeconds());
        return new DemoDataSet(options, asOf);
    }

    /// <summary>The default as-of: the clock's UTC now rounded down to midnight, so runs on one day agree.</summary>
    public static DateTimeOffset DefaultAsOf(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTimeOffset(now.Date, TimeSpan.Zero);
    }

    /// <summary>Every valid record, all kinds interleaved (SOP catalogue first, then case by case).</summary>
    public IEnumerable<DemoRow> Rows() => Rows(null);

    /// <summary>The valid records of one kind.</summary>
    public IEnumerable<DemoRow> Rows(RecordKind kind) => Rows(new HashSet<RecordKind> { kind });

    /// <summary>
    /// The valid records of the given kinds (null = all). The random stream is consumed the same way whatever the
    /// filter, so a kind's rows do not depend on which other kinds are asked for.
    /// </summary>
    public IEnumerable<DemoRow> Rows(IReadOnlySet<RecordKind>? kinds)
    {
        var want = new bool[5];
        foreach (var kind in RecordKinds.All)
        {
            want[(int)kind] = kinds is null || kinds.Contains(kind);
        }

        if (want[(int)RecordKind.SopCoverage])
        {
            foreach (var row in SopCatalogue())
            {
                yield return row;
            }
        }

        var rng = new Random(Options.Seed);
        var state = new CaseState(want);
        var cases = Options.Cases;
        for (var i = 0; i < cases; i++)
        {
            state.Rows.Clear();
            GenerateCase(rng, i, state);
            foreach (var row in state.Rows)
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// A few deliberately broken records per kind (missing required field, bad enum, confidence outside 0..1, unparsable
    /// timestamp, BPO without vendor, FP without root-cause type, ...). Each must go to quarantine.
    /// </summary>
    public IEnumerable<DemoRow> BadRows()
    {
        var t = To.AddDays(-2);
        string[] noSignals = [];
        yield return Row(RecordKind.Decisions, DemoFields.Decisions,
            null, "ATO", t, DemoScenario.NewModel, "block", 0.97, 0.90, "auto", 40, "usr_bad_0001", noSignals, "EU");
        yield return Row(RecordKind.Decisions, DemoFields.Decisions,
            "C-BAD-0002", "ATO", t, DemoScenario.NewModel, "maybe", 0.97, 0.90, "auto", 40, "usr_bad_0002", noSignals, "EU");
        yield return Row(RecordKind.Decisions, DemoFields.Decisions,
            "C-BAD-0003", "KYC_AUDIT", t, DemoScenario.NewModel, "pass", 1.7, 0.85, "auto", 40, "usr_bad_0003", noSignals, "APAC");
        yield return Row(RecordKind.Decisions, DemoFields.Decisions,
            "C-BAD-0004", "KYC_AUDIT", "yesterday at noon", DemoScenario.NewModel, "pass", 0.95, 0.85, "auto", 40, "usr_bad_0004", noSignals, "APAC");
        yield return Row(RecordKind.Reviews, DemoFields.Reviews,
            "R-BAD-0001", "C-BAD-0002", "bpo.unknown01", "BPO", null, "agent", t, t.AddMinutes(20), "pass", "vendor missing");
        yield return Row(RecordKind.Reviews, DemoFields.Reviews,
            "R-BAD-0002", "C-BAD-0003", "inhouse.a01", "INHOUSE", null, "intern", t, t.AddMinutes(20), "pass", "unknown tier");
        yield return Row(RecordKind.Labels, DemoFields.Labels,
            "C-BAD-0003", "FP", "review", null, null, null, "root cause missing", "inhouse.a01", t);
        yield return Row(RecordKind.Labels, DemoFields.Labels,
            "C-BAD-0004", "XX", "review", null, null, null, null, "inhouse.a01", t);
        yield return Row(RecordKind.QaAudits, DemoFields.QaAudits,
            "QA-BAD-0001", "R-BAD-0001", "qa.auditor01", t, "unsure", null);
        yield return Row(RecordKind.SopCoverage, DemoFields.SopCoverage,
            "ATO", null, true, "sop/ato/unknown", "v1", t);
    }

    // Rows given fewer values than their kind's fields (the broken demo records) get nulls for the rest.
    private static DemoRow Row(RecordKind kind, DemoFields fields, params object?[] values) =>
        new(kind, fields, values.Length < fields.Names.Length ? [.. values, .. new object?[fields.Names.Length - values.Length]] : values);

    private IEnumerable<DemoRow> SopCatalogue()
    {
        var before = From.AddDays(-45);
        (string Type, string Code, bool Covered, int Version)[] catalogue =
        [
            ("KYC_AUDIT", "KYC.doc_mismatch", true, 4),
            ("KYC_AUDIT", "KYC.sybil_cluster", true, 2),
            ("KYC_AUDIT", "KYC.pep_rescreen_missing", true, 3),
            ("KYC_AUDIT", "KYC.face_mismatch", true, 2),
            ("KYC_AUDIT", "KYC.high_risk_country", false, 1),
            ("ATO", "ATO.new_device_login", true, 5),
            ("ATO", "ATO.vpn_login", true, 3),
            ("ATO", "ATO.travel_notice_ignored", true, 2),
            ("ATO", "ATO.sim_swap", true, 2),
            ("ATO", "ATO.session_hijack", false, 1),
            ("RESET_2FA", "RESET_2FA.support_callback_missing", true, 3),
            ("RESET_2FA", "RESET_2FA.sim_swap_recent", false, 1),
            ("RESET_2FA", "RESET_2FA.email_changed", true, 2),
            ("RESET_2FA", "RESET_2FA.lost_device", true, 4),
            ("POA_REVIEW", "POA.doc_tampered", true, 3),
            ("POA_REVIEW", "POA.utility_bill_old", true, 2),
            ("POA_REVIEW", "POA.address_mismatch", false, 1),
            ("POA_REVIEW", "POA.name_mismatch", true, 2),
            ("WITHDRAWAL_ANOMALY", "WITHDRAWAL.new_address_cooldown", true, 3),
            ("WITHDRAWAL_ANOMALY", "WITHDRAWAL.large_amount", true, 4),
            ("WITHDRAWAL_ANOMALY", "WITHDRAWAL.mixer_exposure", true, 2),
            ("WITHDRAWAL_ANOMALY", "WITHDRAWAL.mule_pattern_unhandled", false, 1),
            ("WITHDRAWAL_ANOMALY", "WITHDRAWAL.velocity_spike", false, 1),
        ];
        for (var i = 0; i < catalogue.Length; i++)
        {
            var (type, code, covered, version) = catalogue[i];
            yield return Row(RecordKind.SopCoverage, DemoFields.SopCoverage,
                type, code, covered, covered ? SopPage(code) : null, $"v{version}", before.AddHours(7 * i));
        }

        // The SOP team writes the missing SIM-swap page during the span: the later row wins.
        yield return Row(RecordKind.SopCoverage, DemoFields.SopCoverage,
            "RESET_2FA", "RESET_2FA.sim_swap_recent", true, SopPage("RESET_2FA.sim_swap_recent"), "v2",
            DateTimeOffset.FromUnixTimeSeconds(_fromSec + (long)((_toSec - _fromSec) * 0.4)));
    }

    private static string SopPage(string code) => "sop/" + code.Replace('.', '/').ToLowerInvariant();

    private sealed class CaseState(bool[] want)
    {
        public readonly bool[] Want = want;
        public readonly List<DemoRow> Rows = new(8);
        public readonly List<string> Signals = new(8);
    }

    private enum Planted
    {
        None,
        AtoNewDevice,
        WithdrawalMule,
        KycSybil,
    }

    private void GenerateCase(Random rng, int index, CaseState state)
    {
        var span = (double)(_toSec - _fromSec);
        var scored = _fromSec + (long)(span * (index + rng.NextDouble()) / Options.Cases);
        scored = Math.Clamp(scored, _fromSec, _toSec - 1);
        var progress = (scored - _fromSec) / span;

        var typeIndex = Pick(CaseTypeCumulative, rng.NextDouble());
        var type = DemoScenario.CaseTypes[typeIndex];
        var isNewModel = progress >= DemoScenario.ModelSwitchFraction;
        var region = RegionNames[Pick(RegionCumulative, rng.NextDouble())];
        var priority = rng.NextDouble() < 0.12 ? DemoScenario.KeyUserPriority + rng.Next(26) : 5 + rng.Next(70);
        var userPool = Math.Max(1000, (int)(Options.Cases * 0.7));
        var userId = "usr_" + rng.Next(userPool).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

        var signals = state.Signals;
        signals.Clear();
        var hasNewDevice = false;
        var hasSybil = false;
        var hasMule = false;
        var hasDocMismatch = false;
        foreach (var (signal, probability) in type.Signals)
        {
            var p = probability;
            // The planted pairs co-occur more often than chance, as correlated signals do in practice.
            if (isNewModel && scored >= _driftFromSec && type.Name == DemoScenario.DriftCaseType && signal == DemoScenario.DriftSignal)
            {
                // The planted drift: one draw as always, only the rate it is compared with moves, so no other value changes.
                p = DemoScenario.DriftRate;
            }
            else if (type.Name == "ATO" && signal == "vpn_ip")
            {
                p = hasNewDevice ? 0.30 : 0.32;
            }
            else if (type.Name == "KYC_AUDIT" && signal == "sybil_cluster")
            {
                p = hasDocMismatch ? 0.32 : 0.22;
            }

            if (rng.NextDouble() < p)
            {
                signals.Add(signal);
                hasNewDevice |= signal == "new_device";
                hasSybil |= signal == "sybil_cluster";
                hasMule |= signal == "mule_pattern";
                hasDocMismatch |= signal == "doc_mismatch";
            }
        }

        var hasVpn = signals.Contains("vpn_ip");
        var badRate = type.BadRate;
        if (hasMule && type.Name == "WITHDRAWAL_ANOMALY")
        {
            badRate = 0.60;
        }
        else if (hasSybil && type.Name == "KYC_AUDIT")
        {
            badRate = 0.30;
        }

        var bad = rng.NextDouble() < badRate;
        var planted = Planted.None;
        var wrong = false;
        var plantDraw = rng.NextDouble();
        if (type.Name == "ATO" && hasNewDevice && hasVpn && !bad)
        {
            if (plantDraw < (isNewModel ? 0.65 : 0.40))
            {
                planted = Planted.AtoNewDevice;
            }
        }
        else if (type.Name == "WITHDRAWAL_ANOMALY" && hasMule && bad)
        {
            if (plantDraw < 0.55)
            {
                planted = Planted.WithdrawalMule;
            }
        }
        else if (type.Name == "KYC_AUDIT" && hasSybil && hasDocMismatch && !bad)
        {
            if (plantDraw < 0.65)
            {
                planted = Planted.KycSybil;
            }
        }

        var errorDraw = rng.NextDouble();
        if (planted != Planted.None)
        {
            wrong = true;
        }
        else
        {
            var errorRate = isNewModel ? 0.028 : 0.036;
            // Half of a planted pair on its own is a case the agent handles well; that keeps the pair, not its parts, on top.
            var halfPair = (type.Name == "ATO" && (hasNewDevice ^ hasVpn)) || (type.Name == "KYC_AUDIT" && (hasSybil ^ hasDocMismatch));
            // A planted FP pair takes most good cases of the pair out of the passes, so the pair's passes that remain
            // would be over-represented in FN — a pattern nobody planted (it showed from 1 M cases on, and for KYC the
            // sybil base rate doubles it). The pair's bad cases err less often in proportion, which keeps the FN share
            // of its passes near the case type's.
            var fnPair = bad && ((type.Name == "ATO" && hasNewDevice && hasVpn) || (type.Name == "KYC_AUDIT" && hasSybil && hasDocMismatch));
            var pairScale = type.Name == "ATO" ? (isNewModel ? 0.20 : 0.35) : 0.13;
            wrong = errorDraw < (halfPair ? errorRate * 0.1 : fnPair ? errorRate * pairScale : errorRate);
        }

        var aiBlock = bad != wrong;
        var u = rng.NextDouble();
        double confidence = planted switch
        {
            Planted.AtoNewDevice => 0.87 + (0.125 * u),
            Planted.KycSybil => 0.82 + (0.09 * u),
            Planted.WithdrawalMule => 0.84 + (0.155 * u),
            _ when wrong => 0.5 + (0.47 * Math.Pow(u, 1.3)),
            _ => 1.0 + ((isNewModel ? 0.055 : 0.065) * Math.Log(1.0 - u)),
        };
        confidence = Math.Round(Math.Clamp(confidence, 0.5, 0.9999), 4);
        var manual = confidence < type.Threshold;

        var caseId = "C-" + (index + 1).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        if (state.Want[(int)RecordKind.Decisions])
        {
        }

        var label = aiBlock ? (bad ? "TP" : "FP") : (bad ? "FN" : "TN");
        long? resolvedFinal = null;
        string? finalReviewer = null;
        if (manual)
        {
            (resolvedFinal, finalReviewer) = GenerateReviews(rng, caseId, scored, progress, priority >= DemoScenario.KeyUserPriority, bad, state);
        }

        if (state.Want[(int)RecordKind.Decisions])
        {
            // Added after the reviews (the experiment arm may depend on the resolution); no random draw is involved.
            var slaMissed = manual && (resolvedFinal is not { } resolvedAt || resolvedAt - scored > 4 * 3600);
            var (experiment, variant) = DemoExperiments.Assign(caseId, type.Name, progress, wrong, manual, slaMissed);
            state.Rows.Add(Row(RecordKind.Decisions, DemoFields.Decisions,
                caseId, type.Name, At(scored), isNewModel ? DemoScenario.NewModel : DemoScenario.OldModel,
                aiBlock ? "block" : "pass", confidence, type.Threshold, manual ? "manual" : "auto", priority, userId,
                signals.ToArray(), region, experiment, variant));
        }

        GenerateLabels(rng, caseId, type, scored, manual, resolvedFinal, finalReviewer, label, planted, state);
    }

    private (long? ResolvedFinal, string? FinalReviewer) GenerateReviews(
        Random rng, string caseId, long scored, double progress, bool keyUser, bool bad, CaseState state)
    {
        var delayDraw = rng.NextDouble();
        long assigned = scored + (delayDraw < 0.84
            ? Exp(rng, 25 * Minute)
            : delayDraw < 0.96 ? Hour + Exp(rng, 2 * Hour) : (5 * Hour) + Exp(rng, 20 * Hour));
        var stuck = rng.NextDouble() < 0.012;
        // Some cases wait days for the customer's documents before the first reviewer can decide.
        var parked = rng.NextDouble() < 0.04;
        var parkedFor = Day + Exp(rng, 2 * Day);

        string org;
        string? vendor;
        string tier;
        if (keyUser && rng.NextDouble() < 0.55)
        {
            org = "INHOUSE";
            vendor = null;
            tier = rng.NextDouble() < 0.8 ? "senior" : "lead";
        }
        else if (rng.NextDouble() < 0.60)
        {
            org = "BPO";
            vendor = DemoScenario.Vendors[Pick(VendorCumulative, rng.NextDouble())];
            tier = rng.NextDouble() < 0.88 ? "agent" : "senior";
        }
        else
        {
            org = "INHOUSE";
            vendor = null;
            var t = rng.NextDouble();
            tier = t < 0.75 ? "agent" : t < 0.95 ? "senior" : "lead";
        }

        for (var step = 0; step < 3; step++)
        {
            if (assigned > _toSec)
            {
                return (null, null);
            }

            var reviewer = ReviewerId(rng, org, vendor, tier);
            var medianMinutes = tier switch { "agent" => 18.0, "senior" => 28.0, _ => 35.0 };
            var handling = (long)(medianMinutes * Minute * Math.Exp(0.7 * Normal(rng)));
            var resolved = assigned + Math.Max(60, handling) + (parked && step == 0 ? parkedFor : 0);
            var escalateP = tier switch
            {
                "agent" => keyUser ? 0.72 : 0.10,
                "senior" => keyUser ? 0.15 : 0.05,
                _ => 0.0,
            };
            var escalate = rng.NextDouble() < escalateP;
            var correctDraw = rng.NextDouble();
            var reviewId = "R-" + caseId[2..] + "-" + (step + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var rationaleIndex = rng.Next(4);

            if ((stuck && step == 0) || resolved > _toSec)
            {
                AddReview(state, reviewId, caseId, reviewer, org, vendor, tier, assigned, null, null, null);
                return (null, null);
            }

            if (escalate && step < 2)
            {
                AddReview(state, reviewId, caseId, reviewer, org, vendor, tier, assigned, resolved, "escalate",
                    keyUser ? "Key user: escalated per policy." : EscalateRationales[rationaleIndex]);
                MaybeAudit(rng, state, reviewId, org == "BPO", resolved, correct: true, decision: "escalate");
                assigned = resolved + Exp(rng, 12 * Minute);
                org = "INHOUSE";
                vendor = null;
                tier = tier == "agent" ? "senior" : "lead";
                continue;
            }

            var accuracy = ReviewerAccuracy(org, vendor, (resolved - _fromSec) / (double)(_toSec - _fromSec));
            var correct = correctDraw < accuracy;
            var decision = (bad == correct) ? "block" : "pass";
            AddReview(state, reviewId, caseId, reviewer, org, vendor, tier, assigned, resolved, decision,
                decision == "block" ? BlockRationales[rationaleIndex] : PassRationales[rationaleIndex]);
            MaybeAudit(rng, state, reviewId, org == "BPO", resolved, correct, decision);
            return (resolved, reviewer);
        }

        return (null, null);
    }

    private static double ReviewerAccuracy(string org, string? vendor, double progress) => (org, vendor) switch
    {
        ("INHOUSE", _) => 0.99,
        (_, "AtlasCX") => 0.985,
        (_, "Northbridge") => 0.978,
        (_, DemoScenario.DriftingVendor) => 0.99 - (0.22 * Math.Clamp(progress, 0, 1)),
        _ => 0.98,
    };

    private static string ReviewerId(Random rng, string org, string? vendor, string tier)
    {
        var prefix = org == "INHOUSE" ? "inhouse" : vendor!.ToLowerInvariant();
        var (letter, pool) = tier switch
        {
            "agent" => ("a", org == "INHOUSE" ? 12 : 10),
            "senior" => ("s", org == "INHOUSE" ? 5 : 3),
            _ => ("l", 2),
        };
        return prefix + "." + letter + (1 + rng.Next(pool)).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void AddReview(CaseState state, string reviewId, string caseId, string reviewer, string org, string? vendor, string tier,
        long assigned, long? resolved, string? decision, string? rationale)
    {
        if (!state.Want[(int)RecordKind.Reviews])
        {
            return;
        }

        state.Rows.Add(Row(RecordKind.Reviews, DemoFields.Reviews,
            reviewId, caseId, reviewer, org, vendor, tier, At(assigned), resolved is null ? null : At(resolved.Value), decision, rationale));
    }

    private void MaybeAudit(Random rng, CaseState state, string reviewId, bool isBpo, long resolved, bool correct, string decision)
    {
        // QA samples BPO work more heavily than in-house work.
        if (rng.NextDouble() >= (isBpo ? 0.40 : 0.15))
        {
            return;
        }

        var audited = resolved + (2 * Hour) + Exp(rng, 30 * Hour);
        var noise = rng.NextDouble();
        var auditor = "qa.auditor0" + (1 + rng.Next(4)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (audited > _toSec)
        {
            return;
        }

        // Auditors are not perfect either: about one verdict in a hundred and fifty disagrees with the truth.
        var verdictCorrect = noise < 0.993 ? correct : !correct;
        if (!state.Want[(int)RecordKind.QaAudits])
        {
            return;
        }

        string? category = verdictCorrect ? null : decision switch
        {
            "pass" => "missed_risk_signal",
            "block" => "wrongful_block",
            _ => "procedure_not_followed",
        };
        state.Rows.Add(Row(RecordKind.QaAudits, DemoFields.QaAudits,
            "QA-" + reviewId[2..], reviewId, auditor, At(audited), verdictCorrect ? "correct" : "incorrect", category));
    }

    private void GenerateLabels(Random rng, string caseId, DemoCaseType type, long scored, bool manual, long? resolvedFinal,
        string? finalReviewer, string label, Planted planted, CaseState state)
    {
        long labeledAt;
        string source;
        string labeledBy;
        double? weight = null;
        var isError = label is "FP" or "FN";
        var sourceDraw = rng.NextDouble();
        var delayDraw = rng.NextDouble();
        var delay = delayDraw < 0.85 ? Exp(rng, 3 * Hour) : Day + Exp(rng, 4 * Day);
        if (manual)
        {
            if (resolvedFinal is null || sourceDraw >= 0.92)
            {
                return;
            }

            labeledAt = resolvedFinal.Value + Minute + delay;
            source = "review";
            labeledBy = finalReviewer!;
        }
        else if (sourceDraw < AuditSampleRate)
        {
            labeledAt = scored + Day + Exp(rng, 3 * Day);
            source = "audit_sample";
            labeledBy = "qa.sampler";
            weight = AuditSampleWeight;
        }
        else if (label == "FP" && sourceDraw < AuditSampleRate + 0.60)
        {
            // A wrongly blocked customer complains within days.
            labeledAt = scored + (2 * Hour) + Exp(rng, 2 * Day);
            source = "complaint";
            labeledBy = "support.complaints";
        }
        else if (label == "FN" && sourceDraw < AuditSampleRate + 0.70)
        {
            // A wrongly passed fraud surfaces later as a chargeback.
            labeledAt = scored + (3 * Day) + Exp(rng, 8 * Day);
            source = type.Name == "WITHDRAWAL_ANOMALY" ? "chargeback" : "other";
            labeledBy = type.Name == "WITHDRAWAL_ANOMALY" ? "payments.chargebacks" : "fraud.investigations";
        }
        else if (label == "TP" && sourceDraw < AuditSampleRate + 0.50)
        {
            // Fraud operations confirm half of the automatic blocks while handling the blocked accounts.
            labeledAt = scored + (6 * Hour) + Exp(rng, 2 * Day);
            source = "other";
            labeledBy = "fraud.ops";
        }
        else
        {
            return;
        }

        string? rootType = null;
        string? rootCode = null;
        if (isError)
        {
            (rootType, rootCode) = RootCause(rng, type, planted);
        }

        var annotation = Annotation(rng, label, planted);
        var relabel = rng.NextDouble() < 0.03;
        var relabelAt = labeledAt + Day + Exp(rng, 5 * Day);
        if (labeledAt > _toSec || !state.Want[(int)RecordKind.Labels])
        {
            return;
        }

        if (relabel && relabelAt <= _toSec)
        {
            // The first verdict was wrong; a later one corrects it and wins (latest labeled_at per case).
            var first = label switch { "TP" => "FP", "FP" => "TP", "TN" => "FN", _ => "TN" };
            string? firstType = null;
            string? firstCode = null;
            if (first is "FP" or "FN")
            {
                (firstType, firstCode) = GenericRootCause(type.Name, "B");
            }

            state.Rows.Add(Row(RecordKind.Labels, DemoFields.Labels,
                caseId, first, source, weight, firstType, firstCode, "Initial assessment.", labeledBy, At(labeledAt)));
            state.Rows.Add(Row(RecordKind.Labels, DemoFields.Labels,
                caseId, label, "other", null, rootType, rootCode, "Re-labelled after new evidence.", "qa.relabel", At(relabelAt)));
            return;
        }

        state.Rows.Add(Row(RecordKind.Labels, DemoFields.Labels,
            caseId, label, source, weight, rootType, rootCode, annotation, labeledBy, At(labeledAt)));
    }

    private static (string Type, string Code) RootCause(Random rng, DemoCaseType type, Planted planted)
    {
        var draw = rng.NextDouble();
        var planB = rng.NextDouble();
        if (planted != Planted.None && draw < 0.9)
        {
            var pattern = DemoScenario.PlantedPatterns[(int)planted - 1];
            return (pattern.RootCauseType, pattern.RootCauseCode);
        }

        var rootType = planB < 0.4 ? "A" : planB < 0.7 ? "B" : "C";
        return GenericRootCause(type.Name, rootType);
    }

    private static (string Type, string Code) GenericRootCause(string caseType, string rootType) => (rootType, (caseType, rootType) switch
    {
        ("ATO", "A") => "ATO.geo_velocity_overweighted",
        ("ATO", "B") => "ATO.threshold_stale",
        ("ATO", _) => "ATO.travel_notice_ignored",
        ("KYC_AUDIT", "A") => "KYC.face_match_underweighted",
        ("KYC_AUDIT", "B") => "KYC.doc_score_cutoff",
        ("KYC_AUDIT", _) => "KYC.pep_rescreen_missing",
        ("RESET_2FA", "A") => "RESET_2FA.sim_swap_overweighted",
        ("RESET_2FA", "B") => "RESET_2FA.threshold_stale",
        ("RESET_2FA", _) => "RESET_2FA.support_callback_missing",
        ("POA_REVIEW", "A") => "POA.address_match_overweighted",
        ("POA_REVIEW", "B") => "POA.threshold_stale",
        ("POA_REVIEW", _) => "POA.foreign_utility_bill",
        (_, "A") => "WITHDRAWAL.amount_overweighted",
        (_, "B") => "WITHDRAWAL.velocity_threshold",
        _ => "WITHDRAWAL.new_address_cooldown",
    });

    private static string? Annotation(Random rng, string label, Planted planted)
    {
        var draw = rng.NextDouble();
        var pick = rng.Next(3);
        if (draw < 0.4)
        {
            return null;
        }

        if (draw > 0.98)
        {
            return "Customer called twice about this case. Device and IP history reviewed in detail. " +
                "Documents re-checked against the registry. Escalation notes attached, see ticket. Closing with the outcome above.";
        }

        return (label, planted) switch
        {
            ("FP", Planted.AtoNewDevice) => pick == 0 ? "New phone, corporate VPN; customer verified by callback." : "Legit login from travel, VPN on. Block was wrong.",
            ("FP", Planted.KycSybil) => "Shared address with relatives, not a sybil ring. Documents fine.",
            ("FN", Planted.WithdrawalMule) => pick == 0 ? "Funds moved on through a known mule chain." : "Withdrawal to a mule account, \"cash-out\" pattern.",
            ("FP", _) => "Customer legitimate after review.",
            ("FN", _) => "Fraud confirmed later.",
            ("TP", _) => pick == 0 ? "Confirmed fraud, account restricted." : "Block correct; evidence attached.",
            _ => pick == 0 ? "Nothing suspicious." : "Normal activity, pass correct.",
        };
    }

    private static readonly string[] EscalateRationales =
        ["Conflicting signals, needs a senior.", "Amount above my limit.", "Possible linked accounts.", "Unclear documents."];

    private static readonly string[] BlockRationales =
        ["Evidence of account takeover.", "Documents do not match, blocked.", "Linked to known fraud, blocked.", "User could not verify, blocked."];

    private static readonly string[] PassRationales =
        ["Verified by callback.", "Documents consistent, pass.", "Known device after check, pass.", "Activity matches history, pass."];

    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    private static long Exp(Random rng, double mean) => (long)(-mean * Math.Log(1.0 - rng.NextDouble()));

    private static double Normal(Random rng)
    {
        // Box–Muller; one draw is enough here.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static int Pick(double[] cumulative, double u)
    {
        for (var i = 0; i < cumulative.Length - 1; i++)
        {
            if (u < cumulative[i])
            {
                return i;
            }
        }

        return cumulative.Length - 1;
    }

    private static double[] Cumulative(IEnumerable<double> shares)
    {
        var list = shares.ToArray();
        var total = list.Sum();
        var result = new double[list.Length];
        var sum = 0.0;
        for (var i = 0; i < list.Length; i++)
        {
            sum += list[i];
            result[i] = sum / total;
        }

        return result;
    }
}
