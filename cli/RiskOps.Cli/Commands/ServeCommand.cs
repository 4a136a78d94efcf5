using System.CommandLine;
using RiskOps.Web;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops serve --lake DIR [--urls URL]</c>: the dashboard, ingest API and job server (the same app as <c>web/</c>).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5080 (default http://localhost:5000)" };
        var command = new Command(
            "serve",
            "Serve the dashboard, the ingest API and the job server over a lake. Generates demo data on first start when the lake has no decisions "
            + "(Demo:SeedOnStart). Log in as admin with the password from Auth__AdminPassword, or the one printed once at start.");
        command.Options.Add(lake);
        command.Options.Add(urls);

        // Lets `--Auth:AdminPassword=...` style configuration overrides through to the host.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, _) =>
        {
            var args = new List<string> { "--lake", parseResult.GetValue(lake)! };
            if (parseResult.GetValue(urls) is { Length: > 0 } addresses)
            {
                args.AddRange(["--urls", addresses]);
            }

            args.AddRange(parseResult.UnmatchedTokens);
            return await WebHostEntry.RunAsync([.. args]);
        });
        return command;
    }
}
