namespace RiskOps.Reports.Pdf;

/// <summary>A KPI's target and the amber margin below it.</summary>
/// <param name="Target">The target value (a ratio).</param>
/// <param name="Strict">True when the KPI must exceed the target (precision, recall); false for "at least".</param>
/// <param name="AmberMargin">How far below the target still counts as amber.</param>
/// <param name="Text">How the target is printed, e.g. "&gt; 95.0 %".</param>
public sealed record KpiTarget(double Target, bool Strict, double AmberMargin, string Text)
{
    /// <summary>Red/amber/green of a value; <see cref="Rag.None"/> for a null value.</summary>
    public Rag Judge(double? value)
    {
        if (value is not { } v)
        {
            return Rag.None;
        }

        var meets = Strict ? v > Target : v >= Target;
        if (meets)
        {
            return Rag.Green;
        }

        return v >= Target - AmberMargin ? Rag.Amber : Rag.Red;
    }
}

/// <summary>
/// The targets of the calibration pack (contract §2) and the documented amber margins (the same amber bands as the
/// dashboard). Key-user escalation: every key-user case must be escalated, so the target is 100 % with amber down to 95 %.
/// </summary>
public static class KpiTargets
{
    /// <summary>Precision &gt; 0.95; amber within 2 points.</summary>
    public static KpiTarget Precision { get; } = new(0.95, true, 0.02, "> 95.0 %");

    /// <summary>Recall &gt; 0.99; amber within 1 point.</summary>
    public static KpiTarget Recall { get; } = new(0.99, true, 0.01, "> 99.0 %");

    /// <summary>SLA compliance ≥ 0.95; amber within 5 points.</summary>
    public static KpiTarget Sla { get; } = new(0.95, false, 0.05, "≥ 95.0 %");

    /// <summary>QA decision accuracy ≥ 0.98; amber within 2 points.</summary>
    public static KpiTarget DecisionAccuracy { get; } = new(0.98, false, 0.02, "≥ 98.0 %");

    /// <summary>SOP coverage ≥ 0.80; amber within 10 points.</summary>
    public static KpiTarget SopCoverage { get; } = new(0.80, false, 0.10, "≥ 80.0 %");

    /// <summary>Key-user escalation compliance = 1.0; amber down to 0.95.</summary>
    public static KpiTarget KeyUserEscalation { get; } = new(1.0, false, 0.05, "100.0 %");
}
