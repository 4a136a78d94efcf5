using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops serve</c>.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'serve' is not implemented yet");
            return 1;
        });
        return command;
    }
}
