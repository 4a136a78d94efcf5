using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops worker</c>.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'worker' is not implemented yet");
            return 1;
        });
        return command;
    }
}
