namespace RiskOps.Sql.Drift;

/// <summary>
/// Early warning without labels (docs/metrics.md "Drift"): week-over-week population stability index (PSI) of the
/// confidence distribution and of each signal's rate, per case type and model version.
/// </summary>
public sealed class DriftReport
{
    /// <summary>A PSI above this is flagged (the usual "significant shift" line).</summary>
    public double FlagAbove { get; set; } = DriftCalculator.FlagAbove;

    /// <summary>The share an empty bin is given before the logarithm (shares are not renormalised).</summary>
    public double Epsilon { get; set; } = DriftCalculator.Epsilon;

    /// <summary>One entry per (week, case type, model version) with decisions in the week, week then case type then model version.</summary>
    public List<DriftEntry> Entries { get; set; } = [];
}

/// <summary>One case type and model version in one week, compared with the ISO week before.</summary>
public sealed class DriftEntry
{
    public string Week { get; set; } = "";
    public string PreviousWeek { get; set; } = "";
    public string CaseType { get; set; } = "";
    public string ModelVersion { get; set; } = "";

    /// <summary>Decisions in <see cref="Week"/>.</summary>
    public long Decisions { get; set; }

    /// <summary>Decisions in <see cref="PreviousWeek"/> (0: a model version new this week, PSI null).</summary>
    public long PreviousDecisions { get; set; }

    /// <summary>Both weeks have at least 30 decisions; below that a PSI is shown greyed and never flagged.</summary>
    public bool Comparable { get; set; }

    /// <summary>PSI of the 10 confidence bins; null when either week has no decision.</summary>
    public double? ConfidencePsi { get; set; }

    /// <summary>The chance of a PSI this large between two samples of one distribution (χ² approximation, 9 degrees of freedom).</summary>
    public double? ConfidencePValue { get; set; }

    /// <summary><see cref="ConfidencePsi"/> above <see cref="DriftReport.FlagAbove"/>, both weeks comparable and p &lt; 0.01.</summary>
    public bool ConfidenceFlagged { get; set; }

    /// <summary>The share of decisions per confidence bin this week and the week before (10 values each).</summary>
    public List<double> ConfidenceShares { get; set; } = [];

    public List<double> PreviousConfidenceShares { get; set; } = [];

    /// <summary>Every signal seen in either week, largest PSI first (ties by signal, ordinal).</summary>
    public List<SignalDrift> Signals { get; set; } = [];

    /// <summary>The confidence or any signal flagged.</summary>
    public bool Flagged { get; set; }
}

/// <summary>One signal's rate in two weeks and the PSI of the two-bin distribution {fired, not fired}.</summary>
public sealed class SignalDrift
{
    public string Signal { get; set; } = "";
    public double? Rate { get; set; }
    public double? PreviousRate { get; set; }
    public double? Psi { get; set; }
    /// <summary>χ² approximation with 1 degree of freedom (see <see cref="DriftCalculator.PValue"/>).</summary>
    public double? PValue { get; set; }
    public bool Flagged { get; set; }
}
