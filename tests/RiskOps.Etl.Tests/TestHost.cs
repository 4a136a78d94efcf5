using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>
/// The test assembly's entry point: <c>dotnet RiskOps.Etl.Tests.dll ingest LAKE FILE [pause-after-publish[:N]]</c> lands one
/// file, so the crash test can kill a real process mid-batch. With <c>pause-after-publish</c> it stops forever after the
/// first file is renamed into place (the worst moment to die).
/// </summary>
public static class TestHost
{
    /// <summary>The hash key the host's pipeline uses.</summary>
    public const string HashKey = "crash-test-key";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 2 && args[0] is "erase" or "replay")
        {
            return await LifecycleAsync(args);
        }

        if (args.Length < 3 || args[0] != "ingest")
        {
            await Console.Error.WriteLineAsync("usage: ingest LAKE FILE [pause-after-publish]");
            return 2;
        }

        if (args.Length > 3 && args[3].StartsWith("pause-after-publish", StringComparison.Ordinal))
        {
            // pause-after-publish:N stops after the N-th file renamed into place (default: the first).
            var pauseAt = args[3].Contains(':', StringComparison.Ordinal) ? int.Parse(args[3].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
            var published = 0;
            IngestPipeline.AfterFilePublished = path =>
            {
                if (++published < pauseAt)
                {
                    return;
                }

                Console.WriteLine("PUBLISHED " + path);
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            };
        }

        var pipeline = new IngestPipeline(new LakeOptions { Root = args[1], HashKey = HashKey }, new FixedTime(), NullLogger<IngestPipeline>.Instance);
        var result = await pipeline.IngestFileAsync(args[2], null, CancellationToken.None);
        Console.WriteLine($"LANDED {result.Landed}");
        if (args.Contains("report-rss"))
        {
            // VmHWM: the peak resident set size of this process, in kB.
            var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            Console.WriteLine("PEAK_RSS_KB " + peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }

        return 0;
    }

    /// <summary>The quarantine key the lifecycle host uses.</summary>
    public const string QuarantineKey = "crash-test-quarantine-key";

    /// <summary>
    /// <c>erase LAKE USER [pause]</c> / <c>replay LAKE [pause]</c>: an erasure or a replay of every quarantined record; with
    /// <c>pause</c> it stops forever after the first file of its publish is replaced (the kill tests kill it there).
    /// </summary>
    private static async Task<int> LifecycleAsync(string[] args)
    {
        void Pause(string path)
        {
            Console.WriteLine("PUBLISHED " + path);
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }

        var options = new LakeOptions { Root = args[1], HashKey = HashKey, QuarantineKey = QuarantineKey };
        if (args[0] == "erase")
        {
            if (args.Contains("pause"))
            {
                Erasure.AfterFileReplaced = Pause;
            }

            var erased = await new Erasure(options, new FixedTime(), NullLogger.Instance).EraseAsync(args[2], null, CancellationToken.None);
            Console.WriteLine($"ERASED {erased.RowsErased}");
            return 0;
        }

        if (args.Contains("pause"))
        {
            IngestPipeline.AfterFilePublished = Pause;
        }

        var replayed = await new QuarantineReplay(options, new FixedTime(), NullLogger.Instance).ReplayAsync(null, args.Length > 2 && args[2] != "pause" ? args[2] : null, CancellationToken.None);
        Console.WriteLine($"REPLAYED {replayed.Kinds.Sum(k => k.Landed)}");
        return 0;
    }

    /// <summary>A fixed clock, so a crashed run and a clean run stamp the same ingested_at.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => TestLake.Now;
    }
}
