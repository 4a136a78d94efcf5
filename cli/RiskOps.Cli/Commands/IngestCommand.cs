using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops ingest</c> and <c>riskops compact</c>.</summary>
internal static class IngestCommand
{
    private const int ReasonsShown = 5;

    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var kind = new Option<string?>("--kind") { Description = "Record kind of every file: decisions, reviews, labels, qa_audits, sop_coverage (default: from the file name, else the header)" };
        var files = new Argument<string[]>("FILE") { Description = "CSV, NDJSON (.ndjson/.jsonl) or Parquet files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ingest", "Land files in the lake: valid records land, broken ones go to quarantine");
        command.Options.Add(lake);
        command.Options.Add(kind);
        command.Arguments.Add(files);
        command.SetAction(async (parseResult, ct) =>
        {
            RecordKind? forced = null;
            var kindText = parseResult.GetValue(kind);
            if (kindText is not null)
            {
                if (!RecordKinds.TryParse(kindText, out var parsed))
                {
                    throw new CliUsageException($"--kind '{kindText}' is not a record kind (decisions, reviews, labels, qa_audits, sop_coverage)");
                }

                forced = parsed;
            }

            var lakeRoot = parseResult.GetValue(lake)!;
            switch (LakeLayout.Inspect(lakeRoot))
            {
                case LakeDirectoryState.NotALake:
                    // A mistyped --lake must not scatter lake folders into some other directory (contract v2 §3).
                    throw new CliUsageException(
                        $"{Path.GetFullPath(lakeRoot)} is not a lake (it is not empty and has no _manifests/ or kind folders); give an existing lake or a new directory");
                case LakeDirectoryState.Missing:
                case LakeDirectoryState.Empty:
                    Console.WriteLine($"creating a new lake at {Path.GetFullPath(lakeRoot)}");
                    break;
            }

            using var loggers = StderrWarnings();
            var pipeline = IngestPipeline.Create(lakeRoot, Configuration(), loggers);
            var exitCode = 0;
            foreach (var file in parseResult.GetValue(files) ?? [])
            {
                try
                {
                    var result = await pipeline.IngestFileAsync(file, forced, ct);
                    Print(file, result);
                }
                catch (UnreadableInputException ex)
                {
                    // One line per unreadable file; the others still land. Nothing of this file was written.
                    await Console.Error.WriteLineAsync($"error: {ex.Message}");
                    exitCode = 2;
                }
            }

            return exitCode;
        });
        return command;
    }

    /// <summary><c>riskops compact --lake DIR [--kind K] [--dt DATE]</c>: merge each partition's files into one sorted file.</summary>
    public static Command CreateCompact()
    {
        var lake = CommonOptions.Lake();
        var kind = new Option<string?>("--kind") { Description = "Only this kind (default: all)" };
        var dt = new Option<string?>("--dt") { Description = "Only this partition date YYYY-MM-DD (needs --kind)" };
        var command = new Command("compact", "Merge each lake partition's files into one sorted, zstd-compressed file");
        command.Options.Add(lake);
        command.Options.Add(kind);
        command.Options.Add(dt);
        command.SetAction(async (parseResult, ct) =>
        {
            RecordKind? only = null;
            var kindText = parseResult.GetValue(kind);
            if (kindText is not null)
            {
                only = RecordKinds.TryParse(kindText, out var parsed)
                    ? parsed
                    : throw new CliUsageException($"--kind '{kindText}' is not a record kind (decisions, reviews, labels, qa_audits, sop_coverage)");
            }

            var job = new CompactionJob(Options.Create(new LakeOptions { Root = parseResult.GetValue(lake)! }), NullLogger<CompactionJob>.Instance);
            IReadOnlyList<CompactionResult> results;
            var dtText = parseResult.GetValue(dt);
            if (dtText is not null)
            {
                if (only is null)
                {
                    throw new CliUsageException("--dt needs --kind");
                }

                if (!DateOnly.TryParseExact(dtText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    throw new CliUsageException($"--dt '{dtText}' is not a date (expected YYYY-MM-DD)");
                }

                var one = await job.RunAsync(only.Value, date, ct);
                results = one is null ? [] : [one];
            }
            else
            {
                results = await job.RunAllAsync(only, ct);
            }

            foreach (var r in results.Where(r => r.File is not null))
            {
                Console.WriteLine($"{r.Kind.LakeName()} {LakeLayout.PartitionName(r.Dt)}: {r.InputFiles} files → 1 ({r.Rows} rows)");
            }

            var compacted = results.Count(r => r.File is not null);
            Console.WriteLine(compacted == 0 ? "nothing to compact" : $"compacted {compacted} partition(s)");
            var unreadable = results.SelectMany(r => r.Unreadable).ToList();
            foreach (var u in unreadable)
            {
                await Console.Error.WriteLineAsync($"error: skipped unreadable file {u.Path}: {u.Reason}");
            }

            // The other partitions are compacted; exit 1 so a scheduled run shows that the lake needs a repair.
            return unreadable.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static void Print(string file, IngestResult result)
    {
        var name = Path.GetFileName(file);
        if (result.AlreadyIngested)
        {
            Console.WriteLine($"{name}: already ingested as batch {result.BatchId} ({result.Kind.LakeName()}): nothing to do");
            return;
        }

        var flagged = result.Flagged > 0 ? $", {result.Flagged} flagged" : string.Empty;
        Console.WriteLine(
            $"{name}: {result.Kind.LakeName()} batch {result.BatchId}: {result.Landed} landed, {result.Quarantined} quarantined, {result.Duplicates} duplicates{flagged}");
        foreach (var q in result.QuarantineSample.Take(ReasonsShown))
        {
            Console.WriteLine($"  line {q.Line}: {q.Reason}");
        }

        if (result.Quarantined > ReasonsShown)
        {
            Console.WriteLine($"  … {result.Quarantined - ReasonsShown} more in quarantine/ (batch_id = '{result.BatchId}')");
        }
    }

    private static IConfiguration Configuration() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    // Warnings (the development hash key) go to stderr so stdout stays the ingest summary.
    private static ILoggerFactory StderrWarnings() => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Warning)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o => o.SingleLine = true));
}
