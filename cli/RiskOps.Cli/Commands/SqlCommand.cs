using System.Collections;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops sql --lake DIR "SELECT …"</c> runs a read-only query over the documented views;
/// <c>--print-views</c> prints the view definitions bound to the lake, ready for any DuckDB.
/// </summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var printViews = new Option<bool>("--print-views") { Description = "Print the view definitions bound to this lake (paste into any DuckDB)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds before the query is interrupted (default 60)", DefaultValueFactory = _ => 60 };
        var memory = new Option<string>("--memory-limit") { Description = "DuckDB memory cap for the query (default 2GB)", DefaultValueFactory = _ => "2GB" };
        var query = new Argument<string?>("query") { Description = "A read-only query over the views (decisions, cases, labels, ...)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("sql", "Query the documented views, or print them for your own DuckDB");
        command.Options.Add(lake);
        command.Options.Add(printViews);
        command.Options.Add(json);
        command.Options.Add(timeout);
        command.Options.Add(memory);
        command.Arguments.Add(query);
        command.SetAction(parseResult =>
        {
            using var warehouse = Warehouse.Open(MetricsCommand.ExistingLake(parseResult.GetValue(lake)!));
            if (parseResult.GetValue(printViews))
            {
                Console.Out.Write(warehouse.PrintViews());
                return 0;
            }

            var text = parseResult.GetValue(query);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new CliUsageException("give a query (e.g. \"select * from cases limit 10\") or --print-views");
            }

            var seconds = parseResult.GetValue(timeout);
            var cap = parseResult.GetValue(memory) ?? "2GB";
            if (seconds < 1)
            {
                throw new CliUsageException($"--timeout {seconds} must be at least 1 second");
            }

            if (!System.Text.RegularExpressions.Regex.IsMatch(cap, @"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            {
                throw new CliUsageException($"--memory-limit '{cap}' is not a size (e.g. 512MB, 2GB)");
            }

            QueryResult result;
            try
            {
                // Sandboxed: one SELECT (DuckDB's parser decides), reading only the lake's record folders, locked, capped, timed.
                result = warehouse.QuerySandboxed(text, new SandboxLimits { Timeout = TimeSpan.FromSeconds(seconds), MemoryLimit = cap });
            }
            catch (Exception ex) when (ex is InvalidQueryException or DuckDBException)
            {
                throw new CliUsageException(ex.Message.Split('\n')[0].Trim());
            }

            Console.Out.Write(parseResult.GetValue(json) ? Json(result) : Table(result));
            return 0;
        });
        return command;
    }

    private static string Table(QueryResult result)
    {
        var rows = new List<string[]> { result.Columns.ToArray() };
        rows.AddRange(result.Rows.Select(r => r.Select(Format).ToArray()));
        return TextTable.Format(rows) + $"({result.Rows.Count} row{(result.Rows.Count == 1 ? "" : "s")})\n";
    }

    private static string Json(QueryResult result)
    {
        var rows = result.Rows.Select(r => result.Columns.Select((c, i) => (c, v: Plain(r[i]))).ToDictionary(x => x.c, x => x.v)).ToList();
        return JsonSerializer.Serialize(rows, WarehouseJson.Options) + "\n";
    }

    private static object? Plain(object? value) => value switch
    {
        System.Numerics.BigInteger big => big.ToString(CultureInfo.InvariantCulture),
        double d when double.IsNaN(d) || double.IsInfinity(d) => null,
        _ => value,
    };

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + (t.Kind == DateTimeKind.Utc ? "Z" : ""),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
