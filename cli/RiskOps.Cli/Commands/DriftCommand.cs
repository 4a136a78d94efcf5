using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql.Drift;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops drift --lake DIR [FILTERS] [--json]</c>: week-over-week PSI of confidence and signal rates (docs/metrics.md "Drift").</summary>
internal static class DriftCommand
{
    public static Command Create() => WarehouseQueryCommand.Create(
        "drift",
        "Early warning without labels: week-over-week PSI of the confidence distribution and of each signal's rate, per case type and model version",
        (warehouse, filters) => warehouse.GetDrift(filters),
        Render);

    internal static string Render(DriftReport report)
    {
        if (report.Entries.Count == 0)
        {
            return "no decisions in scope\n";
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"PSI vs the ISO week before over all decisions; flagged when > {report.FlagAbove:0.0}, both weeks >= 30 decisions and p < 0.01. Empty bins count as {report.Epsilon:0.0000}.\n");
        var rows = new List<string[]> { new[] { "week", "case_type", "model_version", "decisions (before)", "confidence_psi", "p", "largest signal shift", "signal_psi", "flag" } };
        foreach (var e in report.Entries)
        {
            var top = e.Signals.FirstOrDefault();
            rows.Add(
            [
                e.Week, e.CaseType, e.ModelVersion, $"{e.Decisions} ({e.PreviousDecisions})",
                e.ConfidencePsi is { } psi ? psi.ToString("0.000", CultureInfo.InvariantCulture) : "new",
                e.ConfidencePValue is { } p ? p.ToString("0.0000", CultureInfo.InvariantCulture) : "-",
                top is null ? "-" : $"{top.Signal} {Pct(top.PreviousRate)} -> {Pct(top.Rate)}",
                top?.Psi is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "-",
                e.Flagged ? "SHIFT" : e.Comparable ? "" : "n < 30",
            ]);
        }

        return text.Append(TextTable.Format(rows)).ToString();
    }

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
}
