using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops clusters --lake DIR [FILTERS] [--json]</c>: FP/FN signal-pattern clusters (contract §2).</summary>
internal static class ClustersCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var filters = new FilterOptions();
        var command = new Command("clusters", "FP/FN signal-pattern clusters per case type with root cause, route, examples and weekly counts");
        command.Options.Add(lake);
        command.Options.Add(json);
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var filter = filters.Read(parseResult);
            using var warehouse = Warehouse.Open(MetricsCommand.ExistingLake(parseResult.GetValue(lake)!));
            warehouse.Validate(filter);
            var report = warehouse.GetClusters(filter);
            Console.Out.Write(parseResult.GetValue(json) ? WarehouseJson.Serialize(report) + "\n" : Render(report));
            return 0;
        });
        return command;
    }

    /// <summary>One table per case type and label, in rank order.</summary>
    internal static string Render(ClusterReport report)
    {
        if (report.Clusters.Count == 0)
        {
            return "no FP/FN pattern with at least 5 error cases in scope\n";
        }

        var text = new StringBuilder();
        text.Append("Signal sets whose cases carry more errors than the case type's rate (excess = support - cases x rate); routes: A retrain, B threshold rules, C SOP update.\n");
        foreach (var group in report.Clusters.GroupBy(c => (c.CaseType, c.Label)))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{group.Key.CaseType} {group.Key.Label}\n");
            var rows = new List<string[]> { new[] { "#", "signals", "support", "cases", "excess", "lift", "root cause", "route", "examples", "weekly" } };
            rows.AddRange(group.Select(c => new[]
            {
                c.Rank.ToString(CultureInfo.InvariantCulture),
                string.Join(" + ", c.Signals),
                c.Support.ToString(CultureInfo.InvariantCulture),
                c.Cases.ToString(CultureInfo.InvariantCulture),
                c.ExcessErrors.ToString("0.0", CultureInfo.InvariantCulture),
                c.Lift is { } lift ? lift.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                $"{c.RootCauseType ?? "-"} {c.RootCauseCode ?? ""}".TrimEnd(),
                c.Route ?? "-",
                string.Join(",", c.ExampleCaseIds),
                string.Join(" ", c.Weekly.Select(w => $"{w.Week}:{w.Count}")),
            }));
            text.Append(TextTable.Format(rows));
        }

        return text.ToString();
    }
}
