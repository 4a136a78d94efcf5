using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskOps.Sql.Experiments;

/// <summary>The answer of <c>riskops experiments</c> (contract v2 §3): one entry per experiment and per (experiment, case type).</summary>
public sealed class ExperimentReport
{
    /// <summary>The instant open cases were aged to (SLA compliance).</summary>
    public DateTimeOffset AsOf { get; init; }

    /// <summary>Per experiment: first its all-case-types entry (case_type null), then one per case type.</summary>
    public IReadOnlyList<ExperimentEntry> Experiments { get; init; } = [];
}

/// <summary>One experiment over all its case types (<see cref="CaseType"/> null) or one of them.</summary>
public sealed class ExperimentEntry
{
    /// <summary>The experiment name.</summary>
    public required string Experiment { get; init; }

    /// <summary>The case type; null for all case types of the experiment.</summary>
    public string? CaseType { get; init; }

    /// <summary>The arms, <c>control</c> first, then by name.</summary>
    public IReadOnlyList<VariantFigures> Variants { get; init; } = [];

    /// <summary>Each non-control variant against <c>control</c> on the four compared figures.</summary>
    public IReadOnlyList<ArmComparison> Comparisons { get; init; } = [];

    /// <summary>Variant → <c>ship</c> | <c>rollback</c> | <c>continue</c> (non-control variants only).</summary>
    [JsonConverter(typeof(VerbatimKeysConverter))]
    public IReadOnlyDictionary<string, string> Verdicts { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// For each <c>continue</c> variant, the labelled (or decided) cases per arm that would settle it at the observed
    /// differences with 80 % power: the decisive comparison needing the fewest (null fields when no difference is seen).
    /// </summary>
    public IReadOnlyList<CasesNeeded> CasesNeeded { get; init; } = [];

    /// <summary>The registry's view of the experiment and the checks shown beside the verdict.</summary>
    public GuardRailReport GuardRails { get; init; } = new();
}

/// <summary>How many more cases a <c>continue</c> variant needs (see <see cref="GuardRails.RequiredPerArm"/>).</summary>
public sealed class CasesNeeded
{
    /// <summary>The variant still at <c>continue</c>.</summary>
    public required string Variant { get; init; }

    /// <summary>The comparison that would settle soonest; null when no comparison shows a difference that decides.</summary>
    public string? Metric { get; init; }

    /// <summary>The n each arm needs (effective n for weighted figures); null when none decides.</summary>
    public long? NeededPerArm { get; init; }

    /// <summary>How many more the variant arm needs (0 when it has enough).</summary>
    public long? MoreVariant { get; init; }

    /// <summary>How many more control needs.</summary>
    public long? MoreControl { get; init; }
}

/// <summary>The guard rails of one experiment entry (issue 15 item 2).</summary>
public sealed class GuardRailReport
{
    /// <summary>The experiment is in the registry.</summary>
    public bool Registered { get; init; }

    /// <summary>The registry's owner (null when unregistered).</summary>
    public string? Owner { get; init; }

    /// <summary>The registry's case types (empty when unregistered).</summary>
    public IReadOnlyList<string> RegisteredCaseTypes { get; init; } = [];

    /// <summary>The planned share per variant (empty when unregistered).</summary>
    public IReadOnlyList<PlannedArm> PlannedSplit { get; init; } = [];

    /// <summary>The start: the registry's, else the first decision of the experiment in scope.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary><c>registry</c> or <c>first_decision</c>.</summary>
    public string? StartSource { get; init; }

    /// <summary>Days from the start to the as-of (one decimal).</summary>
    public double? DaysRunning { get; init; }

    /// <summary>The sample-ratio-mismatch check of the arms' decisions against the planned split.</summary>
    public SrmCheck Srm { get; init; } = new();

    /// <summary>Plain-language warnings (fewer than 7 days, SRM, unregistered, case type outside the registry).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>One variant's planned share.</summary>
public sealed record PlannedArm(string Variant, double Share);

/// <summary>Pearson chi-square of the arms' decision counts against the planned split; flagged at p &lt; 0.001.</summary>
public sealed class SrmCheck
{
    /// <summary>Whether the test was computed (not when the experiment is unregistered or an arm is outside the plan).</summary>
    public bool Computed { get; init; }

    /// <summary>The chi-square statistic.</summary>
    public double? ChiSquare { get; init; }

    /// <summary>Degrees of freedom (arms − 1).</summary>
    public int? DegreesOfFreedom { get; init; }

    /// <summary>The upper-tail p-value.</summary>
    public double? PValue { get; init; }

    /// <summary>p &lt; 0.001, or an arm seen in the lake that the plan does not have.</summary>
    public bool Flagged { get; init; }

    /// <summary>What was checked, or why nothing was.</summary>
    public string Note { get; init; } = "";
}

/// <summary>One arm's figures. Ratios with a zero denominator are null; each carries its n (<c>_n</c>).</summary>
public sealed class VariantFigures
{
    /// <summary>The arm's name (<c>control</c> is the baseline).</summary>
    public required string Variant { get; init; }

    /// <summary>Decided cases in the arm.</summary>
    public long Decisions { get; init; }

    /// <summary>Decided cases with a latest label (any source).</summary>
    public long LabeledCases { get; init; }

    /// <summary>Σw(TP) / Σw(TP, FP) over weighted labels.</summary>
    public double? PrecisionWeighted { get; init; }

    /// <summary>The effective n of the precision's denominator cases.</summary>
    public double PrecisionWeightedN { get; init; }

    /// <summary>Wilson 95 % bounds on the effective n.</summary>
    public double? PrecisionWeightedCiLow { get; init; }

    /// <summary>Wilson 95 % upper bound.</summary>
    public double? PrecisionWeightedCiHigh { get; init; }

    /// <summary>Σw(TP) / Σw(TP, FN) over weighted labels.</summary>
    public double? RecallWeighted { get; init; }

    /// <summary>The effective n of the recall's denominator cases.</summary>
    public double RecallWeightedN { get; init; }

    /// <summary>Wilson 95 % lower bound.</summary>
    public double? RecallWeightedCiLow { get; init; }

    /// <summary>Wilson 95 % upper bound.</summary>
    public double? RecallWeightedCiHigh { get; init; }

    /// <summary>Decisions routed <c>auto</c> / decisions.</summary>
    public double? AutomationRate { get; init; }

    /// <summary>Decisions.</summary>
    public long AutomationRateN { get; init; }

    /// <summary>Resolved within 4 h / (resolved + open older than 4 h at the as-of).</summary>
    public double? SlaCompliance { get; init; }

    /// <summary>The SLA denominator.</summary>
    public long SlaComplianceN { get; init; }

    /// <summary>Population-estimated precision (contract §2 "Population estimates").</summary>
    public double? PrecisionEst { get; init; }

    /// <summary>Population-estimated recall.</summary>
    public double? RecallEst { get; init; }

    /// <summary>Labeled cases / decisions (what the estimates rest on).</summary>
    public double? LabelCompleteness { get; init; }
}

/// <summary>A variant against control on one figure: diff = value − control with its Newcombe (method 10) 95 % interval.</summary>
public sealed class ArmComparison
{
    /// <summary>The compared variant.</summary>
    public required string Variant { get; init; }

    /// <summary><c>precision_weighted</c>, <c>recall_weighted</c>, <c>automation_rate</c> or <c>sla_compliance</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>Control's figure; null when either arm has n = 0.</summary>
    public double? Control { get; init; }

    /// <summary>The variant's figure; null when either arm has n = 0.</summary>
    public double? Value { get; init; }

    /// <summary>value − control.</summary>
    public double? Diff { get; init; }

    /// <summary>Newcombe lower bound.</summary>
    public double? CiLow { get; init; }

    /// <summary>Newcombe upper bound.</summary>
    public double? CiHigh { get; init; }

    /// <summary>Both n ≥ 30 and the interval excludes 0.</summary>
    public bool Significant { get; init; }

    /// <summary>The variant's n (effective n for the weighted figures).</summary>
    public double N { get; init; }

    /// <summary>Control's n.</summary>
    public double ControlN { get; init; }

    /// <summary>n per arm for 80 % power at the observed figures (α = 0.05 two-sided); null when diff is 0 or unknown.</summary>
    public long? NeededPerArm { get; init; }
}

/// <summary>Writes a string dictionary with its keys as they are (variant names are data, not property names to snake_case).</summary>
public sealed class VerbatimKeysConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader) ?? [];

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, text) in value)
        {
            writer.WriteString(key, text);
        }

        writer.WriteEndObject();
    }
}
