using System.CommandLine;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary>
/// The shape shared by the analysis commands: <c>--lake DIR [FILTERS] [--as-of TS] [--json] [--raw]</c>, query, print.
/// Every warehouse query resolves (validates) its filters itself, so a filter value in no record of the lake fails there.
/// </summary>
internal static class WarehouseQueryCommand
{
    /// <summary>A command that runs <paramref name="query"/> over the filtered lake and prints JSON or <paramref name="render"/>.</summary>
    public static Command Create<T>(string name, string description, Func<Warehouse, MetricFilters, T> query, Func<T, string> render)
        => Build(name, description, asOf: null, (warehouse, filter, _) => query(warehouse, filter), render);

    /// <summary>As <see cref="Create{T}"/>, with <c>--as-of</c> (parsed before the lake is opened; default now).</summary>
    public static Command CreateWithAsOf<T>(string name, string description, Func<Warehouse, MetricFilters, DateTimeOffset, T> query, Func<T, string> render)
        => Build(name, description, CommonOptions.AsOf(), query, render);

    /// <summary>
    /// As <see cref="Create{T}"/>, with the command's own <paramref name="extra"/> options: <paramref name="prepare"/> reads
    /// and checks them before the lake is opened (bad input fails without folding), <paramref name="query"/> gets its result.
    /// </summary>
    public static Command CreateWithOptions<TArgs, T>(
        string name, string description, IReadOnlyList<Option> extra, Func<ParseResult, TArgs> prepare, Func<Warehouse, MetricFilters, TArgs, T> query, Func<T, string> render)
    {
        TArgs args = default!;
        var command = Build(name, description, asOf: null, (warehouse, filter, _) => query(warehouse, filter, args), render, result => args = prepare(result));
        foreach (var option in extra)
        {
            command.Options.Add(option);
        }

        return command;
    }

    private static Command Build<T>(
        string name, string description, Option<string?>? asOf, Func<Warehouse, MetricFilters, DateTimeOffset, T> query, Func<T, string> render, Action<ParseResult>? prepare = null)
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var raw = ReadModel.Raw();
        var filters = new FilterOptions();
        var command = new Command(name, description);
        command.Options.Add(lake);
        if (asOf is not null)
        {
            command.Options.Add(asOf);
        }
        command.Options.Add(json);
        command.Options.Add(raw);
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var filter = filters.Read(parseResult);
            prepare?.Invoke(parseResult);
            var at = asOf is null ? default : CommonOptions.ParseAsOf(parseResult.GetValue(asOf), TimeProvider.System);
            using var warehouse = ReadModel.Open(parseResult.GetValue(lake)!, parseResult.GetValue(raw), TimeProvider.System);
            var report = query(warehouse, filter, at);
            Console.Out.Write(parseResult.GetValue(json) ? ReadModel.Json(warehouse, report) : render(report));
            return 0;
        });
        return command;
    }
}
