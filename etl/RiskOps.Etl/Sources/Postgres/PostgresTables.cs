using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>A key column of a source table and the PostgreSQL type its watermark text is cast back to.</summary>
/// <param name="Name">Column name.</param>
/// <param name="PgType">PostgreSQL type of the column (<c>text</c> or <c>timestamptz</c>).</param>
public sealed record PostgresKeyColumn(string Name, string PgType);

/// <summary>
/// A source table shaped like a contract kind: the contract's columns plus <c>updated_at timestamptz</c>. Rows are
/// read in (<c>updated_at</c>, key) order, which is unique, so a compound watermark neither skips nor repeats ties.
/// </summary>
/// <param name="Kind">The contract kind; the table is named after its lake name.</param>
/// <param name="Columns">Contract columns handed to the ingest pipeline.</param>
/// <param name="Key">The primary key (unique per row of the source table).</param>
public sealed record PostgresTable(RecordKind Kind, IReadOnlyList<string> Columns, IReadOnlyList<PostgresKeyColumn> Key)
{
    /// <summary>The table name (the lake name of the kind).</summary>
    public string Name => Kind.LakeName();

    /// <summary>The five source tables.</summary>
    public static IReadOnlyList<PostgresTable> All { get; } =
    [
        new(RecordKind.Decisions,
            ["case_id", "case_type", "scored_at", "model_version", "ai_decision", "confidence", "threshold", "routing", "priority", "user_id", "signals", "region"],
            [new("case_id", "text")]),
        new(RecordKind.Reviews,
            ["review_id", "case_id", "reviewer_id", "reviewer_org", "vendor", "reviewer_tier", "assigned_at", "resolved_at", "decision", "rationale"],
            [new("review_id", "text")]),
        // A case can be re-labelled; the source keeps each label as its own row, keyed by case and time.
        new(RecordKind.Labels,
            ["case_id", "label", "label_source", "sample_weight", "root_cause_type", "root_cause_code", "annotation", "labeled_by", "labeled_at"],
            [new("case_id", "text"), new("labeled_at", "timestamptz")]),
        new(RecordKind.QaAudits,
            ["audit_id", "review_id", "auditor_id", "audited_at", "verdict", "error_category"],
            [new("audit_id", "text")]),
        new(RecordKind.SopCoverage,
            ["case_type", "scenario_code", "covered", "sop_page", "sop_version", "updated_at"],
            [new("case_type", "text"), new("scenario_code", "text")]),
    ];

    /// <summary>The table for a lake name.</summary>
    public static PostgresTable ForName(string name) =>
        RecordKinds.TryParse(name, out var kind)
            ? All.First(t => t.Kind == kind)
            : throw new ArgumentException($"'{name}' is not a source table (expected one of {string.Join(", ", All.Select(t => t.Name))})", nameof(name));
}
