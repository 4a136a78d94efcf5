using System.CommandLine;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops ingest</c>.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var command = new Command("ingest", "not implemented yet");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("error: 'ingest' is not implemented yet");
            return 1;
        });
        return command;
    }
}
