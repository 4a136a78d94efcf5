namespace RiskOps.Etl.Contract;

/// <summary>The five record kinds of the data contract (contract §1).</summary>
public enum RecordKind
{
    Decisions,
    Reviews,
    Labels,
    QaAudits,
    SopCoverage,
}

/// <summary>Names of the record kinds as they appear in the lake, file names and the CLI.</summary>
public static class RecordKinds
{
    /// <summary>All kinds, in contract order.</summary>
    public static IReadOnlyList<RecordKind> All { get; } =
        [RecordKind.Decisions, RecordKind.Reviews, RecordKind.Labels, RecordKind.QaAudits, RecordKind.SopCoverage];

    /// <summary>The lake folder name of a kind: <c>decisions</c>, <c>reviews</c>, <c>labels</c>, <c>qa_audits</c>, <c>sop_coverage</c>.</summary>
    public static string LakeName(this RecordKind kind) => kind switch
    {
        RecordKind.Decisions => "decisions",
        RecordKind.Reviews => "reviews",
        RecordKind.Labels => "labels",
        RecordKind.QaAudits => "qa_audits",
        RecordKind.SopCoverage => "sop_coverage",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    /// <summary>Parses a lake name (case-insensitive; <c>qa-audits</c> and <c>sop-coverage</c> accepted too).</summary>
    public static bool TryParse(string? text, out RecordKind kind)
    {
        var normalized = (text ?? string.Empty).Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var candidate in All)
        {
            if (candidate.LakeName() == normalized)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
