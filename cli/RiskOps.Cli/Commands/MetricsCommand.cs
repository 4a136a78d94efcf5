using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops metrics</c>.</summary>
internal static class MetricsCommand
{
    public static Command Create()
    {
        var command = new Command("metrics", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'metrics' is not implemented yet");
            return 1;
        });
        return command;
    }
}
