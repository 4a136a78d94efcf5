using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops clusters --lake DIR [FILTERS] [--json]</c>: FP/FN signal-pattern clusters (contract §2).</summary>
internal static class ClustersCommand
{
    public static Command Create() => WarehouseQueryCommand.Create(
        "clusters",
        "FP/FN signal-pattern clusters per case type with root cause, route, examples and weekly counts",
        (warehouse, filters) => warehouse.GetClusters(filters),
        Render);

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
