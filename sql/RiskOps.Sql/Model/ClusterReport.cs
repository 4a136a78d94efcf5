namespace RiskOps.Sql.Model;

/// <summary>Weekly count of a cluster's error cases.</summary>
public sealed class WeeklyCount
{
    public string Week { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>One FP/FN pattern cluster (contract §2).</summary>
public sealed class Cluster
{
    public string CaseType { get; set; } = "";
    /// <summary><c>FP</c> or <c>FN</c>.</summary>
    public string Label { get; set; } = "";
    public int Rank { get; set; }
    public List<string> Signals { get; set; } = [];
    public long Support { get; set; }
    public long Cases { get; set; }
    public double ExcessErrors { get; set; }
    public double? Lift { get; set; }
    public string? RootCauseType { get; set; }
    public string? RootCauseCode { get; set; }
    /// <summary><c>retrain</c> (A), <c>threshold_rules</c> (B) or <c>sop_update</c> (C).</summary>
    public string? Route { get; set; }
    public List<string> ExampleCaseIds { get; set; } = [];
    public List<WeeklyCount> Weekly { get; set; } = [];
}

/// <summary>The answer of <c>riskops clusters</c>.</summary>
public sealed class ClusterReport
{
    public List<Cluster> Clusters { get; set; } = [];
}
