using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops demo --lake DIR [--cases N] [--seed S] [--weeks W] [--as-of ISO] [--with-bad-records]
/// [--out-files DIR --format csv|ndjson]</c>: realistic demo data with planted patterns. Progress goes to stderr,
/// the summary to stdout.
/// </summary>
internal static class DemoCommand
{
    public static Command Create() => Create(TimeProvider.System);

    /// <summary>Builds the command with the clock that fixes the default as-of (tests pass a fake one).</summary>
    public static Command Create(TimeProvider time)
    {
        var lake = new Option<string?>("--lake") { Description = "The lake folder to land the demo in" };
        var cases = new Option<int>("--cases") { Description = "Number of decided cases", DefaultValueFactory = _ => 20000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same data)", DefaultValueFactory = _ => 42 };
        var weeks = new Option<int>("--weeks") { Description = "Weeks of history before the as-of instant", DefaultValueFactory = _ => 8 };
        var asOf = new Option<string?>("--as-of") { Description = "End of the span (ISO-8601 with offset; default today 00:00 UTC)" };
        var bad = new Option<bool>("--with-bad-records") { Description = "Also send a few broken records (they go to quarantine)" };
        var outFiles = new Option<string?>("--out-files") { Description = "Write delivery files <kind>.csv|ndjson into this folder (instead of, or as well as, landing)" };
        var format = new Option<string>("--format") { Description = "File format for --out-files: csv or ndjson", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "ndjson");

        var command = new Command("demo", "Generate realistic demo data with known patterns and land it in the lake");
        foreach (var option in new Option[] { lake, cases, seed, weeks, asOf, bad, outFiles, format })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, ct) =>
        {
            var lakeDir = parseResult.GetValue(lake);
            var filesDir = parseResult.GetValue(outFiles);
            if (string.IsNullOrWhiteSpace(lakeDir) && string.IsNullOrWhiteSpace(filesDir))
            {
                throw new CliUsageException("give --lake DIR (land the demo) or --out-files DIR (write files), or both");
            }

            var options = new DemoOptions(
                Cases: parseResult.GetValue(cases),
                Seed: parseResult.GetValue(seed),
                Weeks: parseResult.GetValue(weeks),
                AsOf: ParseAsOf(parseResult.GetValue(asOf)),
                WithBadRecords: parseResult.GetValue(bad));
            DemoDataSet data;
            try
            {
                data = DemoDataSet.Create(options, time);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new CliUsageException(ex.Message.Split(Environment.NewLine)[0].Split(" (Parameter")[0]);
            }

            var progress = new StderrProgress();
            if (!string.IsNullOrWhiteSpace(filesDir))
            {
                var fileFormat = parseResult.GetValue(format) == "ndjson" ? RecordFormat.Ndjson : RecordFormat.Csv;
                progress.Report($"writing {fileFormat.ToString().ToLowerInvariant()} files to {Path.GetFullPath(filesDir)}");
                var files = DemoFileWriter.Write(data, filesDir, fileFormat, kinds: null, options.WithBadRecords, progress, ct);
                foreach (var file in files)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {file.Path}: {file.Rows:N0} rows"));
                }
            }

            if (!string.IsNullOrWhiteSpace(lakeDir))
            {
                using var loggers = StderrWarnings();
                var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
                var pipeline = IngestPipeline.Create(lakeDir, configuration, loggers, time);
                var summary = await DemoGenerator.RunAsync(pipeline, options, time, progress, ct);
                PrintSummary(summary, lakeDir);
            }
            else
            {
                Console.WriteLine($"span: {DemoFileWriter.FormatTimestamp(data.From)} → {DemoFileWriter.FormatTimestamp(data.To)}");
                PrintPatterns();
            }

            return 0;
        });
        return command;
    }

    private static DateTimeOffset? ParseAsOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        throw new CliUsageException($"--as-of '{text}' is not a timestamp (expected ISO-8601, e.g. 2026-11-23T00:00:00Z)");
    }

    private static void PrintSummary(DemoSummary summary, string lakeDir)
    {
        Console.WriteLine($"demo landed in {Path.GetFullPath(lakeDir)}");
        Console.WriteLine($"span: {DemoFileWriter.FormatTimestamp(summary.From)} → {DemoFileWriter.FormatTimestamp(summary.To)} (as-of)");
        foreach (var kind in RecordKinds.All)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind.LakeName(),-13} {summary.RowsPerKind[kind],12:N0} rows"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"landed {summary.Landed:N0} new rows, {summary.Duplicates:N0} already in the lake, {summary.Quarantined:N0} quarantined, in {summary.Elapsed.TotalSeconds:F1} s"));
        PrintPatterns();
    }

    private static void PrintPatterns()
    {
        Console.WriteLine("planted patterns:");
        foreach (var pattern in DemoScenario.PlantedPatterns)
        {
            Console.WriteLine($"  - {pattern.CaseType} {pattern.Label} {{{string.Join(", ", pattern.Signals)}}} → {pattern.RootCauseType} {pattern.RootCauseCode} ({pattern.Route})");
        }
    }

    // Warnings (the development hash key) go to stderr so stdout stays the summary.
    private static ILoggerFactory StderrWarnings() => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Warning)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter("Microsoft", LogLevel.Warning)
        .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

    /// <summary>Plain progress lines on stderr, synchronously (the generator reports from a worker thread).</summary>
    private sealed class StderrProgress : IProgress<string>
    {
        private readonly Lock _lock = new();

        public void Report(string value)
        {
            lock (_lock)
            {
                Console.Error.WriteLine(value);
            }
        }
    }
}
