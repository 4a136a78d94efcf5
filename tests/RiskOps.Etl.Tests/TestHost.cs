using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>
/// The test assembly's entry point: <c>dotnet RiskOps.Etl.Tests.dll ingest LAKE FILE [pause-after-publish]</c> lands one
/// file, so the crash test can kill a real process mid-batch. With <c>pause-after-publish</c> it stops forever after the
/// first file is renamed into place (the worst moment to die).
/// </summary>
public static class TestHost
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "query")
        {
            foreach (var r in TestLake.Query(args[1]))
            {
                Console.WriteLine(string.Join(" | ", r.Select(x => x is null ? "null" : x.GetType().Name + ":" + x)));
            }

            return 0;
        }

        if (args.Length == 2 && args[0] == "phases")
        {
            Phases(args[1]);
            return 0;
        }

        if (args.Length < 3 || args[0] != "ingest")
        {
            await Console.Error.WriteLineAsync("usage: ingest LAKE FILE [pause-after-publish]");
            return 2;
        }

        if (args.Length > 3 && args[3] == "pause-after-publish")
        {
            IngestPipeline.AfterFilePublished = path =>
            {
                Console.WriteLine("PUBLISHED " + path);
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            };
        }

        var pipeline = new IngestPipeline(new LakeOptions { Root = args[1], HashKey = "crash-test-key" }, new FixedTime(), NullLogger<IngestPipeline>.Instance);
        var result = await pipeline.IngestFileAsync(args[2], null, CancellationToken.None);
        Console.WriteLine($"LANDED {result.Landed}");
        return 0;
    }

    private static void Phases(string file)
    {
        var schema = Contract.KindSchemas.Decisions;
        var hasher = Validation.UserIdHasher.Create(new LakeOptions { HashKey = "k" }, NullLogger.Instance);
        for (var phase = 0; phase < 3; phase++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            using var source = Sources.CsvRecordSource.Open(File.OpenRead(file), Contract.RecordKind.Decisions, _ => Contract.RecordKind.Decisions);
            var validator = new Validation.RecordValidator(schema, hasher);
            var row = new object?[30];
            var errors = new List<string>();
            long n = 0;
            foreach (var record in source.Read(CancellationToken.None))
            {
                n++;
                if (phase >= 1)
                {
                    validator.Validate(record, row, errors, out _);
                }

                if (phase >= 2)
                {
                    validator.RecordHash(row);
                }
            }

            Console.WriteLine($"phase {phase}: {n} rows, {watch.ElapsedMilliseconds} ms wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms cpu");
        }

        for (var run = 0; run < 2; run++)
        {
            var lake = Path.Combine(Path.GetTempPath(), "etl-phases-" + run);
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, true);
            }

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var pipeline = new IngestPipeline(new LakeOptions { Root = lake, HashKey = "k" }, new FixedTime(), NullLogger<IngestPipeline>.Instance);
            var result = pipeline.IngestFileAsync(file, null, CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine($"full run {run}: {result.Landed} rows, {watch.ElapsedMilliseconds} ms wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F0} ms cpu");
            Directory.Delete(lake, true);
        }
    }

    /// <summary>A fixed clock, so a crashed run and a clean run stamp the same ingested_at.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TestLake.Now;
    }
}
