namespace RiskOps.Sql.Tests.Support;

/// <summary>
/// Random but reproducible lake contents for property tests: several case types, model versions, regions and vendors,
/// with the awkward parts of the contract — decision ties resolved by ingestion, late re-deliveries of older decisions,
/// re-labels (and labeled_at ties), reviews sent open then resolved under the same review_id, escalations, open cases of
/// every age, audit-sample labels with and without weights, QA verdicts corrected by re-delivery, SOP rows superseded,
/// orphans of every kind, and confidences exactly on bin edges (0.7, 1.0).
/// </summary>
public static class RandomLake
{
    public static readonly string[] CaseTypes = ["ATO", "KYC_AUDIT", "RESET_2FA", "POA_REVIEW"];
    public static readonly string[] ModelVersions = ["m1", "m2"];
    public static readonly string?[] Regions = ["EU", "APAC", "LATAM", null];
    public static readonly string[] Vendors = ["V1", "V2"];
    public static readonly string[] Signals = ["new_device", "vpn_ip", "sybil_cluster", "mule_pattern", "geo_jump"];

    /// <summary>The as-of instant generated data is meant to be aged to (a little after the last scored_at).</summary>
    public static readonly DateTimeOffset AsOf = LakeRow.Epoch.AddDays(21);

    /// <summary>Generates about <paramref name="cases"/> decided cases (plus orphans) from <paramref name="seed"/>.</summary>
    public static LakeData Generate(int seed, int cases)
    {
        var random = new Random(seed);
        var data = new LakeData();
        var line = 0L;
        DateTimeOffset ingested = LakeRow.Epoch.AddDays(22);

        // Each record kind is spread over a few batches; later batches are ingested later.
        (string Batch, DateTimeOffset At, long Line) Next(int batches)
        {
            var b = random.Next(batches);
            line++;
            return ($"b{b:D3}", ingested.AddMinutes(b * 10), line);
        }

        var reviewNo = 0;
        var auditNo = 0;
        for (var i = 0; i < cases; i++)
        {
            var caseId = $"c{i:D5}";
            var caseType = CaseTypes[random.Next(CaseTypes.Length)];
            // Scored over three ISO weeks, at any minute, so dates and weeks are exercised near midnight too.
            var scoredAt = LakeRow.Epoch.AddMinutes(random.Next(21 * 24 * 60)).AddSeconds(random.Next(60));
            var confidence = random.Next(10) switch
            {
                0 => 0.7,
                1 => 1.0,
                2 => 0.35,
                _ => Math.Round(0.5 + random.NextDouble() * 0.5, 4),
            };
            var threshold = random.Next(2) == 0 ? 0.8 : 0.9;
            var routing = confidence < threshold ? "manual" : "auto";
            var aiDecision = random.Next(3) == 0 ? "block" : "pass";
            var (batch, at, ln) = Next(2);
            var decision = new DecisionRow
            {
                CaseId = caseId,
                CaseType = caseType,
                ScoredAt = scoredAt,
                ModelVersion = ModelVersions[random.Next(ModelVersions.Length)],
                AiDecision = aiDecision,
                Confidence = confidence,
                Threshold = threshold,
                Routing = routing,
                Priority = random.Next(101),
                UserId = $"h{random.Next(1000):D4}",
                Signals = random.Next(4) == 0 ? null : Signals.Where(_ => random.Next(3) == 0).ToList(),
                Region = Regions[random.Next(Regions.Length)],
                BatchId = batch,
                IngestedAt = at,
                SourceLine = ln,
            };
            data.Decisions.Add(decision);

            switch (random.Next(20))
            {
                case 0:
                    // A tie on scored_at: the later ingestion wins, and it moves the case to another slice.
                    data.Decisions.Add(decision with
                    {
                        CaseType = CaseTypes[random.Next(CaseTypes.Length)],
                        ModelVersion = "m2",
                        BatchId = "b900",
                        IngestedAt = ingested.AddDays(1),
                        SourceLine = ++line,
                    });
                    break;
                case 1:
                    // A late re-delivery of an OLDER score: it must lose despite the later ingestion.
                    data.Decisions.Add(decision with
                    {
                        ScoredAt = scoredAt.AddHours(-1),
                        CaseType = "WITHDRAWAL_ANOMALY",
                        BatchId = "b901",
                        IngestedAt = ingested.AddDays(1),
                        SourceLine = ++line,
                    });
                    break;
            }

            // The case as the views will see it (the tie winner, when there was one).
            var final = data.Decisions.Where(d => d.CaseId == caseId)
                .OrderByDescending(d => d.ScoredAt).ThenByDescending(d => d.IngestedAt).ThenByDescending(d => d.BatchId, StringComparer.Ordinal)
                .ThenByDescending(d => d.SourceLine).First();

            if (final.Routing == "manual")
            {
                AddReviews(random, data, final, ref reviewNo, ref auditNo, Next);
            }

            AddLabels(random, data, final, Next);
        }

        AddOrphans(data, Next);
        AddSop(random, data, Next);
        data.Quarantine.Add(new QuarantineRow { Kind = "decisions", Line = 3, Reason = "confidence outside 0..1", BatchId = "q1" });
        data.Quarantine.Add(new QuarantineRow { Kind = "labels", Line = 7, Reason = "FP without root_cause_type", BatchId = "q1" });
        return data;
    }

    private static void AddReviews(Random random, LakeData data, DecisionRow final, ref int reviewNo, ref int auditNo,
        Func<int, (string Batch, DateTimeOffset At, long Line)> next)
    {
        var count = random.Next(4);
        var assigned = final.ScoredAt.AddMinutes(random.Next(1, 120));
        for (var k = 0; k < count; k++)
        {
            var reviewId = $"r{++reviewNo:D6}";
            var bpo = random.Next(2) == 0;
            var isLast = k == count - 1;
            string? decision = isLast
                ? random.Next(5) switch { 0 => null, 1 => "escalate", 2 => "block", _ => "pass" }
                : "escalate";
            var resolvedAt = decision is null ? (DateTimeOffset?)null : assigned.AddMinutes(random.Next(1, 60 * 10));
            var (batch, at, ln) = next(2);
            var review = new ReviewRow
            {
                ReviewId = reviewId,
                CaseId = final.CaseId,
                ReviewerId = $"rv{random.Next(8)}",
                ReviewerOrg = bpo ? "BPO" : "INHOUSE",
                Vendor = bpo ? Vendors[random.Next(Vendors.Length)] : null,
                ReviewerTier = random.Next(6) switch { 0 => "senior", 1 => "lead", _ => "agent" },
                AssignedAt = assigned,
                ResolvedAt = resolvedAt,
                Decision = decision,
                BatchId = batch,
                IngestedAt = at,
                SourceLine = ln,
            };

            if (decision is not null && random.Next(4) == 0)
            {
                // First sent open, resolved later under the same review_id: the later ingestion wins.
                data.Reviews.Add(review with { ResolvedAt = null, Decision = null, BatchId = "b000", IngestedAt = at.AddDays(-1) });
            }

            data.Reviews.Add(review);
            if (decision is not null && random.Next(3) == 0)
            {
                var auditId = $"a{++auditNo:D6}";
                var verdict = random.Next(10) == 0 ? "incorrect" : "correct";
                var (ab, aat, aln) = next(2);
                var audit = new QaAuditRow
                {
                    AuditId = auditId,
                    ReviewId = reviewId,
                    AuditorId = $"qa{random.Next(3)}",
                    AuditedAt = resolvedAt!.Value.AddHours(random.Next(1, 48)),
                    Verdict = verdict,
                    ErrorCategory = verdict == "incorrect" ? "policy" : null,
                    BatchId = ab,
                    IngestedAt = aat,
                    SourceLine = aln,
                };
                data.QaAudits.Add(audit);
                if (random.Next(8) == 0)
                {
                    // A corrected verdict re-delivered later wins by ingestion.
                    data.QaAudits.Add(audit with
                    {
                        Verdict = verdict == "correct" ? "incorrect" : "correct",
                        BatchId = "b950",
                        IngestedAt = aat.AddDays(2),
                        SourceLine = aln + 100000,
                    });
                }
            }

            assigned = assigned.AddMinutes(random.Next(1, 180));
        }
    }

    private static void AddLabels(Random random, LakeData data, DecisionRow final, Func<int, (string Batch, DateTimeOffset At, long Line)> next)
    {
        if (random.Next(10) < 3)
        {
            return;
        }

        var labeledAt = final.ScoredAt.AddHours(random.Next(1, 72));
        var label = Label(random, final.AiDecision);
        var auditSample = final.Routing == "auto" && random.Next(3) == 0;
        var (batch, at, ln) = next(2);
        var row = new LabelRow
        {
            CaseId = final.CaseId,
            Label = label,
            LabelSource = auditSample ? "audit_sample" : random.Next(10) == 0 ? "chargeback" : "review",
            SampleWeight = auditSample ? random.Next(3) switch { 0 => null, 1 => 4.0, _ => 12.5 } : null,
            RootCauseType = label is "FP" or "FN" ? random.Next(3) switch { 0 => "A", 1 => "B", _ => "C" } : null,
            RootCauseCode = label is "FP" or "FN" ? $"{final.CaseType}.cause{random.Next(4)}" : null,
            LabeledAt = labeledAt,
            BatchId = batch,
            IngestedAt = at,
            SourceLine = ln,
        };
        data.Labels.Add(row);
        switch (random.Next(8))
        {
            case 0:
                // A later re-label wins; the earlier one stays as history.
                var relabel = Label(random, final.AiDecision);
                data.Labels.Add(row with
                {
                    Label = relabel,
                    LabelSource = "review",
                    SampleWeight = null,
                    RootCauseType = relabel is "FP" or "FN" ? "C" : null,
                    RootCauseCode = relabel is "FP" or "FN" ? $"{final.CaseType}.cause{random.Next(4)}" : null,
                    LabeledAt = labeledAt.AddHours(5),
                    SourceLine = ln + 200000,
                });
                break;
            case 1:
                // A tie on labeled_at: the later ingestion wins.
                var tie = Label(random, final.AiDecision);
                data.Labels.Add(row with
                {
                    Label = tie,
                    RootCauseType = tie is "FP" or "FN" ? "B" : null,
                    RootCauseCode = tie is "FP" or "FN" ? $"{final.CaseType}.cause{random.Next(4)}" : null,
                    BatchId = "b990",
                    IngestedAt = at.AddDays(3),
                    SourceLine = ln + 300000,
                });
                break;
        }
    }

    private static string Label(Random random, string aiDecision) => aiDecision == "block"
        ? random.Next(5) == 0 ? "FP" : "TP"
        : random.Next(8) == 0 ? "FN" : "TN";

    private static void AddOrphans(LakeData data, Func<int, (string Batch, DateTimeOffset At, long Line)> next)
    {
        for (var k = 0; k < 3; k++)
        {
            var (batch, at, ln) = next(2);
            data.Labels.Add(new LabelRow { CaseId = $"orphan{k}", Label = "TP", BatchId = batch, IngestedAt = at, SourceLine = ln });
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = $"ro{k}",
                CaseId = $"orphan{k}",
                Decision = "pass",
                ResolvedAt = LakeRow.Epoch.AddHours(1),
                BatchId = batch,
                IngestedAt = at,
                SourceLine = ln + 1,
            });
            data.QaAudits.Add(new QaAuditRow { AuditId = $"ao{k}", ReviewId = $"ro{k}", BatchId = batch, IngestedAt = at, SourceLine = ln + 2 });
            data.QaAudits.Add(new QaAuditRow { AuditId = $"ax{k}", ReviewId = $"missing{k}", BatchId = batch, IngestedAt = at, SourceLine = ln + 3 });
        }

    }

    private static void AddSop(Random random, LakeData data, Func<int, (string Batch, DateTimeOffset At, long Line)> next)
    {
        foreach (var caseType in CaseTypes.Take(3))
        {
            for (var s = 0; s < 4; s++)
            {
                var (batch, at, ln) = next(2);
                var row = new SopRow
                {
                    CaseType = caseType,
                    ScenarioCode = $"{caseType}.cause{s}",
                    Covered = random.Next(3) != 0,
                    UpdatedAt = LakeRow.Epoch.AddDays(s),
                    BatchId = batch,
                    IngestedAt = at,
                    SourceLine = ln,
                };
                data.Sop.Add(row);
                if (random.Next(3) == 0)
                {
                    data.Sop.Add(row with { Covered = !row.Covered, UpdatedAt = row.UpdatedAt.AddDays(1), SourceLine = ln + 400000 });
                }
            }
        }
    }
}
