using System.CommandLine;
using RiskOps.Cli.Commands;
using RiskOps.Etl.Lake;
using RiskOps.Sql.Model;
using RiskOps.Web.Hosting;

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
        root.Subcommands.Add(WorklistCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        root.Subcommands.Add(ThresholdsCommand.Create());
        root.Subcommands.Add(ClustersCommand.Create());
        root.Subcommands.Add(DriftCommand.Create());
        root.Subcommands.Add(OnboardingCommand.Create());
        root.Subcommands.Add(ExperimentsCommand.Create());
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(RollupCommand.Create());
        root.Subcommands.Add(LifecycleCommands.CreateQuarantine());
        root.Subcommands.Add(LifecycleCommands.CreateErase());
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
        // A mistyped command otherwise reads "Required command was not provided".
        if (args.Length > 0 && !args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0] || c.Aliases.Contains(args[0])))
        {
            await Console.Error.WriteLineAsync(
                $"error: unknown command '{args[0]}' (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; riskops --help for more)");
            return 2;
        }

        if (result.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: {result.Errors[0].Message}");
            return 2;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is InvalidFilterException or UnreadableInputException or CliUsageException or ProductionConfigurationException or RiskOps.Sql.InvalidQueryException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never an unhandled crash (exit 134 and a stack trace): one line, the details for a bug report after it.
            await Console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}

/// <summary>An argument the command cannot use; reported as one line with exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
