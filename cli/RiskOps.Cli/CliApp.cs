using System.CommandLine;

namespace RiskOps.Cli;

/// <summary>The <c>riskops</c> command: parses arguments and calls the libraries.</summary>
public static class CliApp
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("riskops — the RiskOps Analytics quality warehouse");
        var result = root.Parse(args);
        return await result.InvokeAsync();
    }
}
