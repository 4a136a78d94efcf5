using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops report</c>.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'report' is not implemented yet");
            return 1;
        });
        return command;
    }
}
