namespace RiskOps.Sql.Tests.Support;

/// <summary>
/// A tiny lake whose every figure is computed by hand in docs-style comments of the tests (MetricFileTests).
/// Seven decided cases over ISO weeks 2026-W47 and W48 (c1 has a losing older re-score, c2 a tie won by the later
/// ingestion), re-labels, a review sent open then resolved, a corrected QA verdict, a superseded SOP row and one
/// orphan of each kind. <see cref="AsOf"/> = 2026-11-25 12:00Z.
/// </summary>
public static class HandLake
{
    private static readonly DateTimeOffset Day0 = LakeRow.Epoch; // 2026-11-16 00:00Z, Monday of 2026-W47

    public static readonly DateTimeOffset AsOf = Day0.AddDays(9).AddHours(12);

    private static DateTimeOffset At(int day, double hour) => Day0.AddDays(day).AddHours(hour);

    public static LakeData Build()
    {
        var data = new LakeData();
        var early = Day0.AddDays(20);
        var late = Day0.AddDays(21);
        data.Decisions.AddRange(
        [
            new() { CaseId = "c1", CaseType = "ATO", ScoredAt = At(0, 10), ModelVersion = "m1", AiDecision = "block", Confidence = 0.95, Routing = "auto", Priority = 10, Region = "EU", IngestedAt = early, SourceLine = 1 },
            // An older score of c1 delivered later: it loses (latest scored_at wins), so c1 stays ATO.
            new() { CaseId = "c1", CaseType = "KYC_AUDIT", ScoredAt = At(0, 9), ModelVersion = "m1", AiDecision = "pass", Confidence = 0.5, Routing = "manual", Priority = 10, Region = "EU", IngestedAt = late, BatchId = "b0002", SourceLine = 1 },
            new() { CaseId = "c2", CaseType = "ATO", ScoredAt = At(0, 11), ModelVersion = "m1", AiDecision = "block", Confidence = 0.85, Routing = "auto", Priority = 80, Region = "EU", IngestedAt = early, SourceLine = 2 },
            // Same scored_at as above, later ingestion: this row wins (c2 is m2).
            new() { CaseId = "c2", CaseType = "ATO", ScoredAt = At(0, 11), ModelVersion = "m2", AiDecision = "block", Confidence = 0.85, Routing = "auto", Priority = 80, Region = "EU", IngestedAt = late, BatchId = "b0002", SourceLine = 2 },
            new() { CaseId = "c3", CaseType = "ATO", ScoredAt = At(1, 9), ModelVersion = "m1", AiDecision = "pass", Confidence = 0.70, Threshold = 0.8, Routing = "manual", Priority = 90, Region = "EU", IngestedAt = early, SourceLine = 3 },
            new() { CaseId = "c4", CaseType = "KYC_AUDIT", ScoredAt = At(7, 8), ModelVersion = "m2", AiDecision = "pass", Confidence = 0.60, Routing = "manual", Priority = 20, Region = "APAC", IngestedAt = early, SourceLine = 4 },
            new() { CaseId = "c5", CaseType = "KYC_AUDIT", ScoredAt = At(7, 9), ModelVersion = "m2", AiDecision = "pass", Confidence = 1.0, Routing = "auto", Priority = 5, Region = "APAC", IngestedAt = early, SourceLine = 5 },
            new() { CaseId = "c6", CaseType = "ATO", ScoredAt = At(8, 12), ModelVersion = "m2", AiDecision = "block", Confidence = 0.75, Routing = "manual", Priority = 76, Region = null, IngestedAt = early, SourceLine = 6 },
            new() { CaseId = "c7", CaseType = "ATO", ScoredAt = At(2, 0), ModelVersion = "m1", AiDecision = "pass", Confidence = 0.90, Routing = "auto", Priority = 50, Region = "EU", IngestedAt = early, SourceLine = 7, Signals = ["vpn_ip", "new_device"] },
        ]);
        data.Labels.AddRange(
        [
            new() { CaseId = "c1", Label = "TP", LabelSource = "audit_sample", SampleWeight = 2, LabeledAt = At(1, 0), IngestedAt = early, SourceLine = 1 },
            new() { CaseId = "c2", Label = "TP", LabeledAt = At(1, 0), IngestedAt = early, SourceLine = 2 },
            // The re-label wins; the TP above stays as history.
            new() { CaseId = "c2", Label = "FP", RootCauseType = "C", RootCauseCode = "ATO.vpn", LabeledAt = At(2, 0), IngestedAt = early, SourceLine = 3 },
            new() { CaseId = "c3", Label = "FN", RootCauseType = "C", RootCauseCode = "ATO.new_device", LabeledAt = At(2, 0), IngestedAt = early, SourceLine = 4 },
            new() { CaseId = "c4", Label = "TN", LabeledAt = At(8, 0), IngestedAt = early, SourceLine = 5 },
            new() { CaseId = "c5", Label = "TN", LabelSource = "audit_sample", SampleWeight = 4, LabeledAt = At(8, 0), IngestedAt = early, SourceLine = 6 },
            new() { CaseId = "c7", Label = "FN", LabelSource = "audit_sample", RootCauseType = "A", RootCauseCode = "ATO.x", LabeledAt = At(3, 0), IngestedAt = early, SourceLine = 7 },
            new() { CaseId = "o1", Label = "TP", LabeledAt = At(3, 0), IngestedAt = early, SourceLine = 8 },
        ]);
        data.Reviews.AddRange(
        [
            new() { ReviewId = "r1", CaseId = "c3", ReviewerId = "ana", ReviewerOrg = "BPO", Vendor = "V1", AssignedAt = At(1, 9.5), ResolvedAt = At(1, 10), Decision = "escalate", IngestedAt = early, SourceLine = 1 },
            new() { ReviewId = "r2", CaseId = "c3", ReviewerId = "ben", ReviewerOrg = "INHOUSE", ReviewerTier = "senior", AssignedAt = At(1, 10.5), ResolvedAt = At(1, 12), Decision = "block", IngestedAt = early, SourceLine = 2 },
            // r3 is sent open first, then resolved in a later batch: the resolved row wins.
            new() { ReviewId = "r3", CaseId = "c4", ReviewerId = "cai", ReviewerOrg = "BPO", Vendor = "V2", AssignedAt = At(7, 9), IngestedAt = early, SourceLine = 3 },
            new() { ReviewId = "r3", CaseId = "c4", ReviewerId = "cai", ReviewerOrg = "BPO", Vendor = "V2", AssignedAt = At(7, 9), ResolvedAt = At(7, 20), Decision = "pass", IngestedAt = late, BatchId = "b0002", SourceLine = 1 },
            new() { ReviewId = "r4", CaseId = "c6", ReviewerId = "dan", ReviewerOrg = "INHOUSE", AssignedAt = At(8, 13), IngestedAt = early, SourceLine = 4 },
            new() { ReviewId = "ro", CaseId = "o1", ReviewerId = "dan", ReviewerOrg = "INHOUSE", AssignedAt = At(3, 1), ResolvedAt = At(3, 2), Decision = "pass", IngestedAt = early, SourceLine = 5 },
        ]);
        data.QaAudits.AddRange(
        [
            new() { AuditId = "a1", ReviewId = "r2", Verdict = "correct", AuditedAt = At(2, 0), IngestedAt = early, SourceLine = 1 },
            new() { AuditId = "a2", ReviewId = "r3", Verdict = "correct", AuditedAt = At(8, 0), IngestedAt = early, SourceLine = 2 },
            // The corrected verdict, delivered later, wins.
            new() { AuditId = "a2", ReviewId = "r3", Verdict = "incorrect", AuditedAt = At(8, 0), IngestedAt = late, BatchId = "b0002", SourceLine = 1 },
            new() { AuditId = "a3", ReviewId = "r1", Verdict = "correct", AuditedAt = At(2, 0), IngestedAt = early, SourceLine = 3 },
            new() { AuditId = "a4", ReviewId = "ro", Verdict = "correct", AuditedAt = At(4, 0), IngestedAt = early, SourceLine = 4 },
        ]);
        data.Sop.AddRange(
        [
            new() { CaseType = "ATO", ScenarioCode = "ATO.vpn", Covered = true, UpdatedAt = At(-15, 0), IngestedAt = early, SourceLine = 1 },
            new() { CaseType = "ATO", ScenarioCode = "ATO.vpn", Covered = false, UpdatedAt = At(4, 0), IngestedAt = early, SourceLine = 2 },
            new() { CaseType = "ATO", ScenarioCode = "ATO.new_device", Covered = true, UpdatedAt = At(-15, 0), IngestedAt = early, SourceLine = 3 },
            new() { CaseType = "ATO", ScenarioCode = "ATO.x", Covered = false, UpdatedAt = At(-15, 0), IngestedAt = early, SourceLine = 4 },
            new() { CaseType = "KYC_AUDIT", ScenarioCode = "KYC.doc", Covered = true, UpdatedAt = At(-15, 0), IngestedAt = early, SourceLine = 5 },
        ]);
        data.Quarantine.Add(new QuarantineRow { Kind = "decisions", Line = 9, Reason = "bad enum routing='robot'", IngestedAt = early });
        return data;
    }
}
