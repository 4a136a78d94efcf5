using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops sql</c>.</summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var command = new Command("sql", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'sql' is not implemented yet");
            return 1;
        });
        return command;
    }
}
