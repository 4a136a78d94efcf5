using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops thresholds --lake DIR [FILTERS] [--json]</c>: the threshold sweep per case type (contract §2).</summary>
internal static class ThresholdsCommand
{
    public static Command Create() => WarehouseQueryCommand.Create(
        "thresholds",
        "Threshold sweep per case type: pipeline precision/recall, automation, workload, recommended threshold",
        (warehouse, filters) => warehouse.GetThresholds(filters),
        Render);

    /// <summary>One block per case type: a summary line and the sweep table, the recommended and current thresholds marked.</summary>
    internal static string Render(ThresholdReport report)
    {
        var text = new StringBuilder();
        if (report.ByCaseType.Count == 0)
        {
            return "no decisions in scope\n";
        }

        text.Append("Pipeline precision/recall: cases below t go to a human taken to be right. Targets: precision > 0.95, recall > 0.99. '-' = no data.\n");
        foreach (var sweep in report.ByCaseType)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n{sweep.CaseType}: recommended threshold {Value(sweep.RecommendedThreshold, "0.00", "none")}, current {Value(sweep.CurrentThreshold, "0.00", "-")}; ")
                .Append(CultureInfo.InvariantCulture,
                    $"{sweep.LabeledCases} labeled of {sweep.Decisions} decisions over {sweep.PeriodDays} days; median handling {Value(sweep.MedianHandlingHours, "0.00", "-")} h\n");
            var rows = new List<string[]> { new[] { "t", "precision", "recall", "automation", "manual/day", "reviewer h/day", "note" } };
            foreach (var point in sweep.Sweep)
            {
                var marks = new List<string>();
                if (point.Threshold == sweep.RecommendedThreshold)
                {
                    marks.Add("<- recommended");
                }

                if (sweep.CurrentThreshold is { } current && Math.Abs(point.Threshold - current) < 1e-9)
                {
                    marks.Add("<- current");
                }

                rows.Add(
                [
                    point.Threshold.ToString("0.00", CultureInfo.InvariantCulture),
                    Value(point.Precision, "0.0000", "-"),
                    Value(point.Recall, "0.0000", "-"),
                    Value(point.Automation, "0.0%", "-"),
                    Value(point.ManualCasesPerDay, "0.0", "-"),
                    Value(point.ReviewerHoursPerDay, "0.0", "-"),
                    string.Join(" ", marks),
                ]);
            }

            text.Append(TextTable.Format(rows));
        }

        return text.ToString();
    }

    private static string Value(double? value, string format, string missing) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : missing;
}
