using System.Globalization;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Kpis;

/// <summary>How a KPI's value is written.</summary>
public enum KpiFormat
{
    /// <summary>A ratio as a percentage with one decimal ("96.1 %").</summary>
    Percent,

    /// <summary>A score with three decimals ("0.042").</summary>
    Score,
}

/// <summary>
/// The status of a figure: no value, too small a sample to judge (contract v2: n &lt; 30 has no colour), no target, or
/// red / amber / green against its target.
/// </summary>
public enum KpiStatus
{
    /// <summary>No value (a zero denominator).</summary>
    NoData,

    /// <summary>n &lt; <see cref="Kpi.MinimumN"/>: shown greyed with "n &lt; 30", never coloured.</summary>
    SmallSample,

    /// <summary>A value, but the KPI has no target.</summary>
    NoTarget,

    /// <summary>Misses the target by more than the amber margin.</summary>
    Red,

    /// <summary>Misses the target by no more than the amber margin.</summary>
    Amber,

    /// <summary>Meets the target.</summary>
    Green,
}

/// <summary>A KPI's target and the amber margin below it.</summary>
/// <param name="Goal">The target value (a ratio).</param>
/// <param name="Strict">True when the KPI must exceed the goal (precision, recall: "&gt;"); false for "at least" ("≥").</param>
/// <param name="AmberMargin">How far below the goal still counts as amber.</param>
public sealed record KpiTarget(double Goal, bool Strict, double AmberMargin)
{
    /// <summary>The lowest value that is still amber (at or above it but missing the goal).</summary>
    public double AmberFrom => Goal - AmberMargin;

    /// <summary>True when <paramref name="value"/> meets the target.</summary>
    public bool Meets(double value) => Strict ? value > Goal : value >= Goal;

    /// <summary>Red / amber / green of a value, ignoring sample size.</summary>
    public KpiStatus Judge(double value) =>
        Meets(value) ? KpiStatus.Green : value >= AmberFrom - 1e-12 ? KpiStatus.Amber : KpiStatus.Red;

    /// <summary>The target as printed: "&gt; 95 %", "≥ 98 %", "100 %".</summary>
    public string Text => Goal >= 1 && !Strict ? "100 %" : (Strict ? "> " : "≥ ") + Kpi.Trim(Goal) + " %";

    /// <summary>The amber band as printed: "93 % to 95 %".</summary>
    public string AmberText => $"≥ {Kpi.Trim(AmberFrom)} %";
}

/// <summary>
/// One KPI of the catalogue: its name, definition, target, amber margin, format and the counts behind it (its n, from
/// the fields every <see cref="MetricSet"/> carries). The dashboard, the PDF pack and the charts all read KPIs from
/// <see cref="KpiCatalogue"/>, so a target or a definition is declared once.
/// </summary>
/// <param name="Key">The metric's JSON name (<c>precision</c>, <c>sla_compliance</c>, …).</param>
/// <param name="Name">The display name.</param>
/// <param name="Definition">One sentence a team lead can read (tooltips, glossary, the pack's appendix).</param>
/// <param name="Target">The target, or null when the contract names none.</param>
/// <param name="Format">How the value is written.</param>
/// <param name="NLabel">What its n counts, e.g. "labeled blocks (TP+FP)".</param>
/// <param name="Value">The figure of a metric set.</param>
/// <param name="Counts">Its successes and n in a metric set (for the n rule and the z-test); null when the set does not carry them.</param>
/// <param name="Census">True for SOP coverage: a census of the catalogue, not a sample, so the n rule does not apply.</param>
/// <param name="LowerIsBetter">True for scores where smaller is better (ECE, Brier).</param>
/// <param name="Proportion">True when the figure is successes / n, so a change can be z-tested (not F1, ECE, Brier).</param>
public sealed record Kpi(
    string Key,
    string Name,
    string Definition,
    KpiTarget? Target,
    KpiFormat Format,
    string NLabel,
    Func<MetricSet, double?> Value,
    Func<MetricSet, (long Successes, long N)?> Counts,
    bool Census = false,
    bool LowerIsBetter = false,
    bool Proportion = true)
{
    /// <summary>Below this n a ratio has no status (contract v2).</summary>
    public const int MinimumN = 30;

    /// <summary>The text shown for a small sample.</summary>
    public const string SmallSampleText = "n < 30";

    /// <summary>The n of this KPI in a metric set, or null when the set does not carry it.</summary>
    public long? N(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Counts(set)?.N;
    }

    /// <summary>The status of this KPI in a metric set: n rule first (unless a census), then the target.</summary>
    public KpiStatus Status(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Status(Value(set), N(set));
    }

    /// <summary>The status of a value with its n (null n = unknown: no colour, as a figure whose sample cannot be checked).</summary>
    public KpiStatus Status(double? value, long? n)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return KpiStatus.NoData;
        }

        if (!Census && (n is not { } count || count < MinimumN))
        {
            return KpiStatus.SmallSample;
        }

        return Target is null ? KpiStatus.NoTarget : Target.Judge(v);
    }

    /// <summary>
    /// The value as text, rounded so that it never reads as meeting the target when it does not (0.97977 → "97.9 %"
    /// beside "≥ 98 %", not "98.0 %"), nor as missing it when it does (0.95004 → "95.004 %" beside "&gt; 95 %").
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="none">The text of a null value.</param>
    public string Show(double? value, string none = "n/a")
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return none;
        }

        return Format == KpiFormat.Score ? v.ToString("F3", CultureInfo.InvariantCulture) : Percent(v, Target);
    }

    /// <summary>A ratio as a percentage that agrees with its target (see <see cref="Show"/>); no target: one decimal, rounded half away from zero.</summary>
    public static string Percent(double ratio, KpiTarget? target)
    {
        var pct = (decimal)ratio * 100m;
        if (target is null)
        {
            return Text(Math.Round(pct, 1, MidpointRounding.AwayFromZero), 1);
        }

        var goal = (decimal)target.Goal * 100m;
        if (!target.Meets(ratio))
        {
            // Below (or, for "> goal", at) the goal: cut the digits off, never round up onto or past the goal.
            return Text(Math.Floor(pct * 10m) / 10m, 1);
        }

        var rounded = Math.Round(pct, 1, MidpointRounding.AwayFromZero);
        if (target.Strict ? rounded > goal : rounded >= goal)
        {
            return Text(rounded, 1);
        }

        // Just above a strict goal ("> 95 %" and 95.004 %): more digits until the text shows it is above.
        for (var decimals = 2; decimals <= 6; decimals++)
        {
            var scale = (decimal)Math.Pow(10, decimals);
            var cut = Math.Floor(pct * scale) / scale;
            if (cut > goal)
            {
                return Text(cut, decimals);
            }
        }

        return Text(pct, 8);
    }

    /// <summary>The value with its n: "96.1 % (n = 412)".</summary>
    public string ShowWithN(MetricSet set, string none = "n/a")
    {
        ArgumentNullException.ThrowIfNull(set);
        var n = N(set);
        if (Census && n is { } scenarios)
        {
            return $"{Show(Value(set), none)} ({scenarios.ToString("#,0", CultureInfo.InvariantCulture)} {NLabel})";
        }

        return n is { } count ? $"{Show(Value(set), none)} (n = {count.ToString("#,0", CultureInfo.InvariantCulture)})" : Show(Value(set), none);
    }

    /// <summary>A goal as printed without trailing zeros: 0.95 → "95", 0.985 → "98.5".</summary>
    internal static string Trim(double ratio) => ((decimal)ratio * 100m).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Text(decimal pct, int decimals) =>
        pct.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";
}
