using System.CommandLine;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary>The shape shared by the analysis commands: <c>--lake DIR [FILTERS] [--json]</c>, validate, query, print.</summary>
internal static class WarehouseQueryCommand
{
    /// <summary>A command that runs <paramref name="query"/> over the filtered lake and prints JSON or <paramref name="render"/>.</summary>
    public static Command Create<T>(string name, string description, Func<Warehouse, MetricFilters, T> query, Func<T, string> render)
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var raw = ReadModel.Raw();
        var filters = new FilterOptions();
        var command = new Command(name, description);
        command.Options.Add(lake);
        command.Options.Add(json);
        command.Options.Add(raw);
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var filter = filters.Read(parseResult);
            using var warehouse = ReadModel.Open(parseResult.GetValue(lake)!, parseResult.GetValue(raw), TimeProvider.System);
            warehouse.Validate(filter);
            var report = query(warehouse, filter);
            Console.Out.Write(parseResult.GetValue(json) ? ReadModel.Json(warehouse, report) : render(report));
            return 0;
        });
        return command;
    }
}
