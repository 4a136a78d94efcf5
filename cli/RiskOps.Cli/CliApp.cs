using System.CommandLine;
using RiskOps.Cli.Commands;
using RiskOps.Etl.Lake;
using RiskOps.Sql.Model;

namespace RiskOps.Cli;

/// <summary>The <c>riskops</c> command: parses arguments and calls the libraries.</summary>
public static class CliApp
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("riskops — the RiskOps Analytics quality warehouse");
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(IngestCommand.CreateCompact());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        root.Subcommands.Add(ThresholdsCommand.Create());
        root.Subcommands.Add(ClustersCommand.Create());
        root.Subcommands.Add(ExperimentsCommand.Create());
        root.Subcommands.Add(RollupCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        return root;
    }

    /// <summary>Runs the command line; returns the process exit code (0 ok, 1 runtime failure, 2 bad input).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = BuildRoot();
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: {result.Errors[0].Message}");
            return 2;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is InvalidFilterException or UnreadableInputException or CliUsageException or RiskOps.Sql.InvalidQueryException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }
}

/// <summary>An argument the command cannot use; reported as one line with exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
