namespace RiskOps.Sql.Overturn;

/// <summary>
/// The AI-overturn rate of one slice: of the resolved manual cases, the share whose final human decision differs from the
/// agent's, and over those overturned cases that have a label, how often the human (and how often the agent) was right.
/// </summary>
public sealed class OverturnRow
{
    /// <summary><c>overall</c>, <c>case_type</c>, <c>week</c>, <c>org</c>, <c>vendor</c> or <c>reviewer</c>.</summary>
    public string Dimension { get; set; } = "overall";

    /// <summary>The slice's value (null for <c>overall</c>).</summary>
    public string? Slice { get; set; }

    /// <summary>A reviewer's org (reviewer rows only).</summary>
    public string? Org { get; set; }

    /// <summary>A reviewer's vendor (BPO reviewer rows only).</summary>
    public string? Vendor { get; set; }

    /// <summary>Resolved manual cases (final review pass or block).</summary>
    public long ResolvedCases { get; set; }

    /// <summary>Resolved cases whose final human decision differs from <c>ai_decision</c>.</summary>
    public long Overturned { get; set; }

    /// <summary>Overturned / resolved cases; null when none were resolved.</summary>
    public double? OverturnRate { get; set; }

    /// <summary>The n of <see cref="OverturnRate"/>: resolved cases.</summary>
    public long OverturnRateN { get; set; }

    /// <summary>Overturned cases with a latest label.</summary>
    public long OverturnedLabeled { get; set; }

    /// <summary>Labeled overturned cases where the human's decision is the truth (block = label TP or FN).</summary>
    public long HumanRight { get; set; }

    /// <summary>Labeled overturned cases where the agent's decision is the truth (the overturn was a mistake).</summary>
    public long AgentRight { get; set; }

    /// <summary>Human right / labeled overturned cases; null when none.</summary>
    public double? HumanRightRate { get; set; }

    /// <summary>The n of <see cref="HumanRightRate"/>: labeled overturned cases.</summary>
    public long HumanRightRateN { get; set; }
}

/// <summary>The AI-overturn figures of the cases a filter selects, per dimension.</summary>
public sealed class OverturnReport
{
    /// <summary>All resolved cases in scope pooled (never an average of slices).</summary>
    public OverturnRow Overall { get; set; } = new();

    public List<OverturnRow> ByCaseType { get; set; } = [];

    public List<OverturnRow> ByWeek { get; set; } = [];

    public List<OverturnRow> ByOrg { get; set; } = [];

    public List<OverturnRow> ByVendor { get; set; } = [];

    public List<OverturnRow> ByReviewer { get; set; } = [];

    /// <summary>Whether the figures were read from the published rollup's case snapshot (else from the raw views).</summary>
    public bool FromRollup { get; set; }
}
