using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Sql.WhatIf;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops thresholds --lake DIR [FILTERS] [--json]</c>: the threshold sweep per case type (contract §2).</summary>
internal static class ThresholdsCommand
{
    public static Command Create()
    {
        var propose = new Option<string[]>("--propose")
        {
            Description = "What-if: project CASE_TYPE at threshold T (0..1, two decimals), e.g. --propose ATO=0.92 (repeatable)",
        };
        var weeks = new Option<int>("--weeks")
        {
            Description = $"What-if window: the last N UTC ISO weeks with data (default {WhatIfCounts.DefaultWeeks})",
            DefaultValueFactory = _ => WhatIfCounts.DefaultWeeks,
        };
        return WarehouseQueryCommand.CreateWithOptions(
            "thresholds",
            "Threshold sweep per case type: pipeline precision/recall, automation, workload, recommended threshold; --propose for a what-if",
            [propose, weeks],
            result =>
            {
                var n = result.GetValue(weeks);
                if (n is < 1 or > WhatIfCounts.MaxWeeks)
                {
                    throw new CliUsageException($"--weeks {n} is outside 1..{WhatIfCounts.MaxWeeks}");
                }

                return (Proposals: WhatIfProposal.ParseAll(result.GetValue(propose) ?? []), Weeks: n);
            },
            (warehouse, filters, args) =>
            {
                var report = warehouse.GetThresholds(filters);
                if (args.Proposals.Count > 0)
                {
                    report.WhatIf = warehouse.GetWhatIf(filters, args.Proposals, args.Weeks);
                }

                return report;
            },
            Render);
    }

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

        if (report.WhatIf is { } whatIf)
        {
            text.Append(RenderWhatIf(whatIf));
        }

        return text.ToString();
    }

    /// <summary>The what-if: per case type with a proposal, the current and the proposed threshold's projected figures with 95 % intervals.</summary>
    internal static string RenderWhatIf(WhatIfReport whatIf)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"\nWhat-if over the last {whatIf.Weeks} weeks ({string.Join(", ", whatIf.WindowWeeks)}; {whatIf.Days} days")
            .Append(whatIf.From is { } from && whatIf.To is { } to ? $" {from:yyyy-MM-dd} – {to:yyyy-MM-dd} UTC" : "")
            .Append("). Cases below t go to a human taken to be right; [95 % Wilson interval] and n.\n");
        var rows = new List<string[]> { new[] { "case_type", "", "t", "precision", "recall", "automation", "manual/day", "reviewer h/day", "targets" } };
        foreach (var c in whatIf.ByCaseType.Where(c => c.Proposed is not null))
        {
            foreach (var (label, f) in new[] { ("current", c.Current), ("proposed", c.Proposed) })
            {
                if (f is null)
                {
                    rows.Add([c.CaseType, label, "-", "-", "-", "-", "-", "-", "-"]);
                    continue;
                }

                rows.Add(
                [
                    c.CaseType, label,
                    f.Threshold.ToString("0.00", CultureInfo.InvariantCulture) + (f.ThresholdAsGiven is { } g ? $" (in force {g.ToString("0.###", CultureInfo.InvariantCulture)})" : ""),
                    Ci(f.Precision, f.PrecisionCiLow, f.PrecisionCiHigh, "0.0000", f.PrecisionN),
                    Ci(f.Recall, f.RecallCiLow, f.RecallCiHigh, "0.0000", f.RecallN),
                    Ci(f.AutomationRate, f.AutomationRateCiLow, f.AutomationRateCiHigh, "0.0%", f.AutomationRateN),
                    Ci(f.ManualCasesPerDay, f.ManualCasesPerDayCiLow, f.ManualCasesPerDayCiHigh, "0.0", null),
                    Ci(f.ReviewerHoursPerDay, f.ReviewerHoursPerDayCiLow, f.ReviewerHoursPerDayCiHigh, "0.0", null),
                    f.MeetsTargets ? "met" : "not met",
                ]);
            }
        }

        text.Append(TextTable.Format(rows));
        foreach (var c in whatIf.ByCaseType.Where(c => c.Proposed is not null && c.MedianHandlingHours is null))
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.CaseType}: no resolved review in the window, so no handling time to size reviewer hours.\n");
        }

        return text.ToString();
    }

    private static string Ci(double? value, double? low, double? high, string format, long? n) =>
        value is null ? "-"
            : $"{Value(value, format, "-")} [{Value(low, format, "-")}, {Value(high, format, "-")}]" + (n is { } count ? $" n={count}" : "");

    private static string Value(double? value, string format, string missing) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : missing;
}
