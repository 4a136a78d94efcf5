using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql.Estimates;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops backtest --lake DIR [FILTERS] [--as-of TS] [--json] [--raw]</c>: the population estimate of each past week
/// as it was computable at the week's end (labels ingested by then) against the figure measured now (issue 15 item 5).
/// </summary>
internal static class BacktestCommand
{
    public static Command Create() => WarehouseQueryCommand.CreateWithAsOf(
        "backtest",
        "Estimate backtest: each complete week's precision/recall/accuracy_est as known at its end vs the labelled figure now",
        (warehouse, filter, at) => warehouse.GetEstimateBacktest(filter, at),
        Render);

    /// <summary>A table per week and the mean absolute errors.</summary>
    internal static string Render(BacktestReport report)
    {
        if (report.Weeks.Count == 0)
        {
            return "no complete week in scope\n";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"as of {report.AsOf:yyyy-MM-dd HH:mm:ss}Z (UTC). 'then' = at the week's end (Monday 00:00 UTC), labels ingested by then; 'now' = every latest label.\n");
        var rows = new List<string[]> { new[] { "week", "decisions", "labeled then", "labeled now", "precision est then", "measured then (n)", "measured now (n)", "recall est then", "measured then (n)", "measured now (n)" } };
        rows.AddRange(report.Weeks.Select(w => new[]
        {
            w.Week,
            w.Decisions.ToString(CultureInfo.InvariantCulture),
            $"{w.LabeledThen} ({Pct(w.LabelCompletenessThen)})",
            $"{w.LabeledNow} ({Pct(w.LabelCompletenessNow)})",
            Ratio(w.PrecisionEstThen),
            $"{Ratio(w.PrecisionMeasuredThen)} ({w.PrecisionMeasuredThenN})",
            $"{Ratio(w.PrecisionMeasuredNow)} ({w.PrecisionMeasuredNowN})",
            Ratio(w.RecallEstThen),
            $"{Ratio(w.RecallMeasuredThen)} ({w.RecallMeasuredThenN})",
            $"{Ratio(w.RecallMeasuredNow)} ({w.RecallMeasuredNowN})",
        }));
        text.Append(TextTable.Format(rows));
        text.Append(CultureInfo.InvariantCulture,
            $"mean |error| vs measured now — precision: estimate {Ratio(report.PrecisionEstMeanAbsError)}, labelled-then {Ratio(report.PrecisionMeasuredThenMeanAbsError)}; "
            + $"recall: estimate {Ratio(report.RecallEstMeanAbsError)}, labelled-then {Ratio(report.RecallMeasuredThenMeanAbsError)}\n");
        if (report.Weeks.All(w => w.LabeledThen == 0))
        {
            text.Append("note: no label had been ingested by any of these weeks' ends (a lake loaded in one go, such as the demo, has no label history): the estimates then rest on the agent's own confidence alone.\n");
        }

        return text.ToString();
    }

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Pct(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";
}
