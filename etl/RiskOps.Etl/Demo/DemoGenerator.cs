using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Demo;

/// <summary>Settings of one demo data set.</summary>
/// <param name="Cases">Number of decided cases.</param>
/// <param name="Seed">Seed of the pseudo-random generator; the same seed gives the same data.</param>
/// <param name="Weeks">Weeks of history before <paramref name="AsOf"/>.</param>
/// <param name="AsOf">End of the span; default: the injected clock's now rounded down to the UTC day.</param>
/// <param name="WithBadRecords">Also send a few deliberately broken records, which land in quarantine.</param>
public sealed record DemoOptions(int Cases = 20000, int Seed = 42, int Weeks = 8, DateTimeOffset? AsOf = null, bool WithBadRecords = false);

/// <summary>What a demo run landed.</summary>
/// <param name="RowsPerKind">Valid rows generated per kind (all landed, unless the lake already held them).</param>
/// <param name="From">Start of the span (inclusive).</param>
/// <param name="To">End of the span (the as-of instant).</param>
/// <param name="PlantedPatterns">Descriptions of the planted patterns (see <see cref="DemoScenario"/>).</param>
/// <param name="Quarantined">Records this run sent to quarantine (with <see cref="DemoOptions.WithBadRecords"/>: the broken ones; 0 on a re-run).</param>
/// <param name="Batches">The ingest results, one per landed chunk.</param>
/// <param name="Elapsed">Wall time of generation and landing.</param>
public sealed record DemoSummary(
    IReadOnlyDictionary<RecordKind, long> RowsPerKind,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<string> PlantedPatterns,
    long Quarantined,
    IReadOnlyList<IngestResult> Batches,
    TimeSpan Elapsed)
{
    /// <summary>Valid rows over all kinds.</summary>
    public long TotalRows => RowsPerKind.Values.Sum();

    /// <summary>Valid rows the lake already held: whole batches landed before (a re-run of the same demo) plus single duplicates.</summary>
    public long Duplicates => Batches.Sum(b => b.AlreadyIngested ? b.Landed + b.Duplicates : b.Duplicates);

    /// <summary>Rows this run newly landed.</summary>
    public long Landed => Batches.Where(b => !b.AlreadyIngested).Sum(b => b.Landed);
}

/// <summary>Generates realistic demo data with known patterns (<see cref="DemoScenario"/>) and lands it through the <see cref="IngestPipeline"/>.</summary>
public static class DemoGenerator
{
    /// <summary>Rows per <see cref="IngestPipeline.IngestRowsAsync"/> call.</summary>
    public const int ChunkSize = 200_000;

    /// <summary>
    /// Generates the demo data set and lands it, kind by kind in chunks of <see cref="ChunkSize"/> rows. Each chunk's
    /// batch key is derived from seed, cases, weeks, as-of, kind and chunk number, so re-running the same demo is a no-op.
    /// Generation runs ahead of landing by at most two chunks.
    /// </summary>
    /// <param name="pipeline">The ingest pipeline of the target lake.</param>
    /// <param name="options">The demo settings.</param>
    /// <param name="time">Clock for the default as-of (its now rounded down to the UTC day).</param>
    /// <param name="progress">Receives plain progress lines.</param>
    /// <param name="ct">Cancels between chunks.</param>
    public static async Task<DemoSummary> RunAsync(IngestPipeline pipeline, DemoOptions options, TimeProvider time, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var data = DemoDataSet.Create(options, time);
        var stopwatch = Stopwatch.StartNew();
        progress?.Report($"demo: {options.Cases:N0} cases, seed {options.Seed}, span {Iso(data.From)} → {Iso(data.To)} ({options.Weeks} weeks)");

        var source = string.Create(CultureInfo.InvariantCulture, $"demo:seed={options.Seed},cases={options.Cases}");
        var keyPrefix = string.Create(CultureInfo.InvariantCulture,
            $"demo:s{options.Seed}:c{options.Cases}:w{options.Weeks}:a{data.To.ToUnixTimeSeconds()}");
        var counts = RecordKinds.All.ToDictionary(k => k, _ => 0L);
        var results = new List<IngestResult>();
        var channel = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producerToken = stop.Token;

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var buffers = RecordKinds.All.ToDictionary(k => k, _ => new List<DemoRow>());
                    var chunkNumbers = RecordKinds.All.ToDictionary(k => k, _ => 0);
                    long generated = 0;
                    var reportEvery = Math.Max(ChunkSize, options.Cases / 10);
                    foreach (var row in data.Rows())
                    {
                        counts[row.Kind]++;
                        var buffer = buffers[row.Kind];
                        buffer.Add(row);
                        if (buffer.Count >= ChunkSize)
                        {
                            await channel.Writer.WriteAsync(new Chunk(row.Kind, ++chunkNumbers[row.Kind], buffer, false), producerToken);
                            buffers[row.Kind] = new List<DemoRow>(ChunkSize);
                        }

                        if (row.Kind == RecordKind.Decisions && ++generated % reportEvery == 0)
                        {
                            progress?.Report($"generated {generated:N0} / {options.Cases:N0} cases ({stopwatch.Elapsed.TotalSeconds:F1} s)");
                        }
                    }

                    foreach (var kind in RecordKinds.All)
                    {
                        if (buffers[kind].Count > 0)
                        {
                            await channel.Writer.WriteAsync(new Chunk(kind, ++chunkNumbers[kind], buffers[kind], false), producerToken);
                        }
                    }

                    if (options.WithBadRecords)
                    {
                        foreach (var group in data.BadRows().GroupBy(r => r.Kind))
                        {
                            await channel.Writer.WriteAsync(new Chunk(group.Key, 0, group.ToList(), true), producerToken);
                        }
                    }

                    channel.Writer.Complete();
                }
                catch (Exception ex)
                {
                    channel.Writer.Complete(ex);
                }
            },
            CancellationToken.None);

        long quarantined = 0;
        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(ct))
            {
                var batchKey = chunk.Bad
                    ? $"{keyPrefix}:{chunk.Kind.LakeName()}:bad-records"
                    : string.Create(CultureInfo.InvariantCulture, $"{keyPrefix}:{chunk.Kind.LakeName()}:{chunk.Number}");
                var result = await pipeline.IngestRowsAsync(chunk.Kind, chunk.Rows, source, batchKey, ct);
                results.Add(result);
                quarantined += result.AlreadyIngested ? 0 : result.Quarantined;
                var what = chunk.Bad ? "broken records" : string.Create(CultureInfo.InvariantCulture, $"chunk {chunk.Number}");
                progress?.Report(result.AlreadyIngested
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"{chunk.Kind.LakeName()} {what}: {chunk.Rows.Count:N0} rows already ingested as batch {result.BatchId} ({stopwatch.Elapsed.TotalSeconds:F1} s)")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{chunk.Kind.LakeName()} {what}: {chunk.Rows.Count:N0} rows → landed {result.Landed:N0}, duplicates {result.Duplicates:N0}, quarantined {result.Quarantined:N0} ({stopwatch.Elapsed.TotalSeconds:F1} s)"));
            }
        }
        catch
        {
            // A failed landing must not leave the generator blocked on a full channel.
            await stop.CancelAsync();
            await producer;
            throw;
        }

        await producer;

        await channel.Reader.Completion;
        stopwatch.Stop();
        return new DemoSummary(
            counts,
            data.From,
            data.To,
            DemoScenario.PlantedPatterns.Select(p => p.ToString()).ToArray(),
            quarantined,
            results,
            stopwatch.Elapsed);
    }

    private static string Iso(DateTimeOffset t) => DemoFileWriter.FormatTimestamp(t);

    private sealed record Chunk(RecordKind Kind, int Number, List<DemoRow> Rows, bool Bad);
}
