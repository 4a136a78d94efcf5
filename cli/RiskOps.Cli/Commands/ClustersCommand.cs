using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops clusters</c>.</summary>
internal static class ClustersCommand
{
    public static Command Create()
    {
        var command = new Command("clusters", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'clusters' is not implemented yet");
            return 1;
        });
        return command;
    }
}
