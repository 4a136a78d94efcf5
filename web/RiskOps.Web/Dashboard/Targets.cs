namespace RiskOps.Web.Dashboard;

/// <summary>A figure's target and the amber band below it (contract §2 targets; amber = close enough to watch).</summary>
/// <param name="Goal">The target.</param>
/// <param name="AmberFrom">At or above this (but missing the goal) the figure is amber; below it, red.</param>
/// <param name="Strict">True when the target is "greater than" (precision, recall), false for "at least".</param>
internal sealed record Target(double Goal, double AmberFrom, bool Strict)
{
    /// <summary>Precision &gt; 95 % (contract).</summary>
    public static Target Precision { get; } = new(0.95, 0.93, Strict: true);

    /// <summary>Recall &gt; 99 % (contract).</summary>
    public static Target Recall { get; } = new(0.99, 0.98, Strict: true);

    /// <summary>SLA compliance ≥ 95 % (contract).</summary>
    public static Target Sla { get; } = new(0.95, 0.90, Strict: false);

    /// <summary>Decision accuracy ≥ 98 % (contract).</summary>
    public static Target DecisionAccuracy { get; } = new(0.98, 0.96, Strict: false);

    /// <summary>SOP coverage ≥ 80 % (contract).</summary>
    public static Target SopCoverage { get; } = new(0.80, 0.70, Strict: false);

    /// <summary>Key users are always escalated: the contract names no number, so the goal is every case (100 %), as in the PDF pack.</summary>
    public static Target KeyUserEscalation { get; } = new(1.0, 0.95, Strict: false);

    /// <summary>Automation rate: the contract names no target; 70 % is the dashboard's default goal.</summary>
    public static Target Automation { get; } = new(0.70, 0.60, Strict: false);

    /// <summary>Red/amber/green of a value; null is "no data".</summary>
    public Rag Judge(double? value) => value switch
    {
        null => Rag.NoData,
        { } v when Meets(v) => Rag.Green,
        { } v when v >= AmberFrom => Rag.Amber,
        _ => Rag.Red,
    };

    private bool Meets(double value) => Strict ? value > Goal : value >= Goal;

    /// <summary>The target as text: <c>&gt; 95 %</c>.</summary>
    public string Describe() => (Strict ? "> " : "≥ ") + Format.Pct(Goal).Replace(".0 %", " %", StringComparison.Ordinal);
}
