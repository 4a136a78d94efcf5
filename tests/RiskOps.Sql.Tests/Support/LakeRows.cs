namespace RiskOps.Sql.Tests.Support;

/// <summary>Lineage every stored lake row carries (common brief: ingested_at, batch_id, source, source_line).</summary>
public abstract record LakeRow
{
    /// <summary>A fixed instant tests start from (never the current date).</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset IngestedAt { get; init; } = Epoch.AddDays(30);
    public string BatchId { get; init; } = "b0001";
    public string Source { get; init; } = "test";
    public long SourceLine { get; init; } = 1;
}

/// <summary>A decision row as the lake stores it.</summary>
public sealed record DecisionRow : LakeRow
{
    public string CaseId { get; init; } = "c1";
    public string CaseType { get; init; } = "ATO";
    public DateTimeOffset ScoredAt { get; init; } = Epoch;
    public string ModelVersion { get; init; } = "m1";
    public string AiDecision { get; init; } = "pass";
    public double Confidence { get; init; } = 0.9;
    public double Threshold { get; init; } = 0.8;
    public string Routing { get; init; } = "auto";
    public int Priority { get; init; } = 10;
    public string UserId { get; init; } = "u-hash";
    public IReadOnlyList<string>? Signals { get; init; }
    public string? Region { get; init; }
    /// <summary>Contract v2; a batch with no experiment anywhere is written without the two columns (an older lake's files).</summary>
    public string? Experiment { get; init; }
    public string? Variant { get; init; }
}

/// <summary>A review row as the lake stores it.</summary>
public sealed record ReviewRow : LakeRow
{
    public string ReviewId { get; init; } = "r1";
    public string CaseId { get; init; } = "c1";
    public string ReviewerId { get; init; } = "rv1";
    public string ReviewerOrg { get; init; } = "INHOUSE";
    public string? Vendor { get; init; }
    public string ReviewerTier { get; init; } = "agent";
    public DateTimeOffset AssignedAt { get; init; } = Epoch;
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? Decision { get; init; }
    public string? Rationale { get; init; }
}

/// <summary>A label row as the lake stores it (label_source with its default applied).</summary>
public sealed record LabelRow : LakeRow
{
    public string CaseId { get; init; } = "c1";
    public string Label { get; init; } = "TN";
    public string LabelSource { get; init; } = "review";
    public double? SampleWeight { get; init; }
    public string? RootCauseType { get; init; }
    public string? RootCauseCode { get; init; }
    public string? Annotation { get; init; }
    public bool AnnotationFlagged { get; init; }
    public string LabeledBy { get; init; } = "lb1";
    public DateTimeOffset LabeledAt { get; init; } = Epoch;
}

/// <summary>A QA audit row as the lake stores it.</summary>
public sealed record QaAuditRow : LakeRow
{
    public string AuditId { get; init; } = "a1";
    public string ReviewId { get; init; } = "r1";
    public string AuditorId { get; init; } = "qa1";
    public DateTimeOffset AuditedAt { get; init; } = Epoch;
    public string Verdict { get; init; } = "correct";
    public string? ErrorCategory { get; init; }
}

/// <summary>An SOP catalogue row as the lake stores it.</summary>
public sealed record SopRow : LakeRow
{
    public string CaseType { get; init; } = "ATO";
    public string ScenarioCode { get; init; } = "ATO.x";
    public bool Covered { get; init; } = true;
    public string? SopPage { get; init; }
    public string? SopVersion { get; init; }
    public DateTimeOffset UpdatedAt { get; init; } = Epoch;
}

/// <summary>A quarantined record as the lake stores it.</summary>
public sealed record QuarantineRow : LakeRow
{
    public string Kind { get; init; } = "decisions";
    public long Line { get; init; } = 1;
    public string Reason { get; init; } = "missing case_id";
    public string Raw { get; init; } = "{}";
}

/// <summary>All rows of a small lake.</summary>
public sealed class LakeData
{
    public List<DecisionRow> Decisions { get; } = [];
    public List<ReviewRow> Reviews { get; } = [];
    public List<LabelRow> Labels { get; } = [];
    public List<QaAuditRow> QaAudits { get; } = [];
    public List<SopRow> Sop { get; } = [];
    public List<QuarantineRow> Quarantine { get; } = [];
}
