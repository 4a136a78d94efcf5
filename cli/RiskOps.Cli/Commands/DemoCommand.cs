using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops demo</c>.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'demo' is not implemented yet");
            return 1;
        });
        return command;
    }
}
