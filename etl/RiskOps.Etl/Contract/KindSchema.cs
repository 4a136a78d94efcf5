namespace RiskOps.Etl.Contract;

/// <summary>The value type of a contract field (contract §1).</summary>
public enum FieldType
{
    /// <summary>Free text.</summary>
    String,

    /// <summary>One of a fixed set of values (<see cref="FieldSpec.Values"/>).</summary>
    Enum,

    /// <summary>An instant, ISO-8601 with an offset; stored as INT64 micros, isAdjustedToUTC = true.</summary>
    Timestamp,

    /// <summary>A 64-bit floating point number.</summary>
    Double,

    /// <summary>A 32-bit integer.</summary>
    Int,

    /// <summary>true/false.</summary>
    Bool,

    /// <summary>A list of strings (CSV: <c>|</c>-separated).</summary>
    StringList,
}

/// <summary>One contract field of a record kind.</summary>
/// <param name="Name">The field (and lake column) name.</param>
/// <param name="Type">The value type.</param>
/// <param name="Required">True when every record must carry a value.</param>
/// <param name="Values">The allowed values of an <see cref="FieldType.Enum"/> field (canonical spelling).</param>
/// <param name="MaxLength">
/// Contract v2 bound on the value's length in Unicode code points, as delivered: ids, enums, codes, names and versions
/// <see cref="KindSchemas.MaxIdLength"/>, <c>sop_page</c> <see cref="KindSchemas.MaxSopPageLength"/>, free text
/// <see cref="KindSchemas.MaxFreeTextLength"/>; for a list, the bound of each item (<see cref="KindSchemas.MaxListItemLength"/>).
/// </param>
/// <param name="AddedInV2">
/// An optional field added by contract v2: left out of the record hash while null, so a record delivered before v2 (without
/// the field) keeps its hash and a re-delivery of it still lands once.
/// </param>
public sealed record FieldSpec(string Name, FieldType Type, bool Required, IReadOnlyList<string>? Values = null, int MaxLength = KindSchemas.MaxIdLength, bool AddedInV2 = false);

/// <summary>The contract schema of one record kind: its fields in contract order, key and partition field.</summary>
public sealed class KindSchema
{
    private readonly Dictionary<string, int> _index;

    internal KindSchema(RecordKind kind, IReadOnlyList<FieldSpec> fields, IReadOnlyList<string> key, string partitionField, string latestBy)
    {
        Kind = kind;
        Fields = fields;
        Key = key;
        PartitionField = partitionField;
        LatestBy = latestBy;
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < fields.Count; i++)
        {
            _index[fields[i].Name] = i;
        }

        PartitionIndex = _index[partitionField];
    }

    /// <summary>The record kind.</summary>
    public RecordKind Kind { get; }

    /// <summary>The contract fields, in contract order.</summary>
    public IReadOnlyList<FieldSpec> Fields { get; }

    /// <summary>The key fields ("latest wins" is resolved per key by the views).</summary>
    public IReadOnlyList<string> Key { get; }

    /// <summary>The timestamp whose UTC date is the <c>dt=</c> partition.</summary>
    public string PartitionField { get; }

    /// <summary>Position of <see cref="PartitionField"/> in <see cref="Fields"/>.</summary>
    public int PartitionIndex { get; }

    /// <summary>The column that orders versions of a key (<c>ingested_at</c> for reviews and qa_audits).</summary>
    public string LatestBy { get; }

    /// <summary>The position of a field (case-insensitive), or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The required fields.</summary>
    public IEnumerable<FieldSpec> RequiredFields => Fields.Where(f => f.Required);
}

/// <summary>The five contract schemas (contract §1), shared by the readers, the validator and the Parquet writer.</summary>
public static class KindSchemas
{
    /// <summary>Contract v2: ids, enums, codes, names and versions are at most this many code points.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Contract v2: <c>sop_page</c> is at most this many code points.</summary>
    public const int MaxSopPageLength = 2_000;

    /// <summary>Contract v2: free text (<c>annotation</c>, <c>rationale</c>, <c>error_category</c>) is at most this many code points.</summary>
    public const int MaxFreeTextLength = 4_000;

    /// <summary>Contract v2: a list (<c>signals</c>) holds at most this many items.</summary>
    public const int MaxListItems = 16;

    /// <summary>Contract v2: each list item is at most this many code points (and never contains <c>,</c>).</summary>
    public const int MaxListItemLength = 64;

    /// <summary>The five case types the contract names; any other UPPER_SNAKE value is accepted too.</summary>
    public static IReadOnlyList<string> KnownCaseTypes { get; } = ["KYC_AUDIT", "ATO", "RESET_2FA", "POA_REVIEW", "WITHDRAWAL_ANOMALY"];

    /// <summary>decisions.</summary>
    public static KindSchema Decisions { get; } = new(
        RecordKind.Decisions,
        [
            new("case_id", FieldType.String, true),
            new("case_type", FieldType.String, true),
            new("scored_at", FieldType.Timestamp, true),
            new("model_version", FieldType.String, true),
            new("ai_decision", FieldType.Enum, true, ["pass", "block"]),
            new("confidence", FieldType.Double, true),
            new("threshold", FieldType.Double, true),
            new("routing", FieldType.Enum, true, ["auto", "manual"]),
            new("priority", FieldType.Int, true),
            new("user_id", FieldType.String, true),
            new("signals", FieldType.StringList, false, MaxLength: MaxListItemLength),
            new("region", FieldType.String, false),
            new("experiment", FieldType.String, false, AddedInV2: true),
            new("variant", FieldType.String, false, AddedInV2: true),
        ],
        ["case_id"],
        "scored_at",
        "scored_at");

    /// <summary>reviews.</summary>
    public static KindSchema Reviews { get; } = new(
        RecordKind.Reviews,
        [
            new("review_id", FieldType.String, true),
            new("case_id", FieldType.String, true),
            new("reviewer_id", FieldType.String, true),
            new("reviewer_org", FieldType.Enum, true, ["INHOUSE", "BPO"]),
            new("vendor", FieldType.String, false),
            new("reviewer_tier", FieldType.Enum, true, ["agent", "senior", "lead"]),
            new("assigned_at", FieldType.Timestamp, true),
            new("resolved_at", FieldType.Timestamp, false),
            new("decision", FieldType.Enum, false, ["pass", "block", "escalate"]),
            new("rationale", FieldType.String, false, MaxLength: MaxFreeTextLength),
        ],
        ["review_id"],
        "assigned_at",
        "ingested_at");

    /// <summary>labels.</summary>
    public static KindSchema Labels { get; } = new(
        RecordKind.Labels,
        [
            new("case_id", FieldType.String, true),
            new("label", FieldType.Enum, true, ["TP", "TN", "FP", "FN"]),
            new("label_source", FieldType.Enum, false, ["review", "audit_sample", "chargeback", "complaint", "other"]),
            new("sample_weight", FieldType.Double, false),
            new("root_cause_type", FieldType.Enum, false, ["A", "B", "C"]),
            new("root_cause_code", FieldType.String, false),
            new("annotation", FieldType.String, false, MaxLength: MaxFreeTextLength),
            new("labeled_by", FieldType.String, true),
            new("labeled_at", FieldType.Timestamp, true),
        ],
        ["case_id"],
        "labeled_at",
        "labeled_at");

    /// <summary>qa_audits.</summary>
    public static KindSchema QaAudits { get; } = new(
        RecordKind.QaAudits,
        [
            new("audit_id", FieldType.String, true),
            new("review_id", FieldType.String, true),
            new("auditor_id", FieldType.String, true),
            new("audited_at", FieldType.Timestamp, true),
            new("verdict", FieldType.Enum, true, ["correct", "incorrect"]),
            new("error_category", FieldType.String, false, MaxLength: MaxFreeTextLength),
        ],
        ["audit_id"],
        "audited_at",
        "ingested_at");

    /// <summary>sop_coverage.</summary>
    public static KindSchema SopCoverage { get; } = new(
        RecordKind.SopCoverage,
        [
            new("case_type", FieldType.String, true),
            new("scenario_code", FieldType.String, true),
            new("covered", FieldType.Bool, true),
            new("sop_page", FieldType.String, false, MaxLength: MaxSopPageLength),
            new("sop_version", FieldType.String, false),
            new("updated_at", FieldType.Timestamp, true),
        ],
        ["case_type", "scenario_code"],
        "updated_at",
        "updated_at");

    /// <summary>The schema of a kind.</summary>
    public static KindSchema For(RecordKind kind) => kind switch
    {
        RecordKind.Decisions => Decisions,
        RecordKind.Reviews => Reviews,
        RecordKind.Labels => Labels,
        RecordKind.QaAudits => QaAudits,
        RecordKind.SopCoverage => SopCoverage,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };
}
