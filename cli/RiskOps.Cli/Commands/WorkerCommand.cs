using System.CommandLine;
using RiskOps.Web.Jobs;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops worker --lake DIR</c>: a Hangfire job server with no UI (production mode).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var command = new Command(
            "worker",
            "Run a background job server with no UI. Set ConnectionStrings__Hangfire to a PostgreSQL connection string to share jobs with the web app and other workers.");
        command.Options.Add(lake);
        // Lets `--Jobs:WorkerCount 2` style configuration overrides through to the host.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, ct) =>
        {
            var unmatched = parseResult.UnmatchedTokens.ToArray();
            return await WorkerHost.RunAsync(parseResult.GetValue(lake), unmatched, ct);
        });
        return command;
    }
}
