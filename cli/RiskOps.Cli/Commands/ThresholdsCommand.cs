using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops thresholds</c>.</summary>
internal static class ThresholdsCommand
{
    public static Command Create()
    {
        var command = new Command("thresholds", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'thresholds' is not implemented yet");
            return 1;
        });
        return command;
    }
}
