using System.CommandLine;
using System.Globalization;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops metrics --lake DIR [FILTERS] [--as-of TS] [--json]</c>: the figures of contract §2.</summary>
internal static class MetricsCommand
{
    public static Command Create() => WarehouseQueryCommand.CreateWithAsOf(
        "metrics",
        "Quality figures: confusion, SLA, QA accuracy, kappa, escalation, SOP coverage, calibration",
        (warehouse, filter, at) => warehouse.GetMetrics(filter, at),
        Render);

    /// <summary>The lake folder, which must exist (a typo must not read as an empty lake).</summary>
    internal static string ExistingLake(string path) => Directory.Exists(path)
        ? path
        : throw new CliUsageException($"lake folder '{path}' does not exist");

    /// <summary>A readable table: one column per slice (overall, then each case type), one row per figure.</summary>
    internal static string Render(MetricsReport report)
    {
        var slices = new List<(string Name, MetricSet Set)> { ("overall", report.Overall) };
        slices.AddRange(report.ByCaseType.Select(s => (s.CaseType ?? "-", s)));
        (string Figure, Func<MetricSet, string> Value)[] rows =
        [
            ("decisions", s => Count(s.Decisions)),
            ("labeled cases", s => $"{Count(s.LabeledCases)} ({Percent(s.LabelCompleteness)})"),
            ("TP / FP / TN / FN", s => $"{s.Tp}/{s.Fp}/{s.Tn}/{s.Fn}"),
            ("precision [95% CI]  (>0.95)", s => WithCi(s.Precision, s.PrecisionCiLow, s.PrecisionCiHigh)),
            ("recall [95% CI]  (>0.99)", s => WithCi(s.Recall, s.RecallCiLow, s.RecallCiHigh)),
            ("F1", s => Ratio(s.F1)),
            ("accuracy", s => Ratio(s.Accuracy)),
            ("recall on auto (audit sample)", s => Ratio(s.RecallAuto)),
            ("automation rate", s => Percent(s.AutomationRate)),
            ("manual: resolved / open", s => $"{s.ResolvedCases}/{s.OpenCases}"),
            ("SLA compliance <=4h  (>=0.95)", s => Percent(s.SlaCompliance)),
            ("resolution hours p50 / p90", s => $"{Hours(s.ResolutionHoursP50)}/{Hours(s.ResolutionHoursP90)}"),
            ("backlog 0-4h/4-24h/1-3d/>3d", s => $"{s.Backlog0To4h}/{s.Backlog4To24h}/{s.Backlog1To3d}/{s.BacklogOver3d}"),
            ("decision accuracy QA  (>=0.98)", s => $"{Percent(s.DecisionAccuracy)} of {s.QaAudits}"),
            ("kappa (human vs truth)", s => Ratio(s.Kappa)),
            ("key-user escalation", s => $"{Percent(s.KeyUserEscalationCompliance)} of {s.KeyUserCases}"),
            ("SOP coverage  (>=0.80)", s => $"{Percent(s.SopCoverage)} of {s.SopScenarios}"),
            ("ECE", s => Ratio(s.Ece)),
            ("Brier", s => Ratio(s.Brier)),
        ];

        var table = new List<string[]> { new[] { "figure" }.Concat(slices.Select(s => s.Name)).ToArray() };
        table.AddRange(rows.Select(r => new[] { r.Figure }.Concat(slices.Select(s => r.Value(s.Set))).ToArray()));
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"as of {report.AsOf:yyyy-MM-dd HH:mm:ss}Z (UTC); '-' = no data (zero denominator)\n");
        text.Append(TextTable.Format(table));
        if (report.SopGaps.Count > 0)
        {
            text.Append("\nSOP gaps (type-C root causes without a covered scenario):\n");
            foreach (var gap in report.SopGaps)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {gap.CaseType}  {gap.RootCauseCode}  ({gap.Cases} cases)\n");
            }
        }

        var quality = report.DataQuality;
        text.Append(CultureInfo.InvariantCulture,
            $"\ndata quality: {quality.OrphanLabels} orphan labels, {quality.OrphanReviews} orphan reviews, {quality.OrphanQaAudits} orphan QA audits, {quality.QuarantinedRecords} quarantined records\n");
        return text.ToString();
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    private static string Hours(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + "h" : "-";

    private static string WithCi(double? value, double? low, double? high) =>
        value is null ? "-" : $"{Ratio(value)} [{Ratio(low)}, {Ratio(high)}]";
}

/// <summary>Left-aligned plain-text tables for terminal output.</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows.Max(r => r.Length)).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        var text = new System.Text.StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.Append(string.Join("  ", rows[r].Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
            if (r == 0)
            {
                text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
            }
        }

        return text.ToString();
    }
}
