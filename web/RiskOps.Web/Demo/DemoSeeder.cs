using System.Text.Json;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Sql.Jobs;

namespace RiskOps.Web.Demo;

/// <summary>Demo seeding options (section <c>Demo</c>).</summary>
internal sealed class DemoSeedOptions
{
    /// <summary>Generate demo data on start when the lake has no decisions.</summary>
    /// <value>Default: true (the embedded default: a first start shows a full dashboard).</value>
    public bool SeedOnStart { get; set; } = true;

    /// <summary>Decided cases to generate.</summary>
    /// <value>Default: 20000.</value>
    public int Cases { get; set; } = 20000;

    /// <summary>Generator seed.</summary>
    /// <value>Default: 42.</value>
    public int Seed { get; set; } = 42;
}

/// <summary>What the seeder is doing, for the banner on every page.</summary>
internal sealed class DemoSeedState : IProgress<string>
{
    // Progress lines may arrive from the generator's threads after it has finished; the gate keeps a late line from
    // overwriting the final state.
    private readonly Lock _gate = new();
    private string? _status;
    private bool _running;

    /// <summary>True while demo data is being generated.</summary>
    public bool Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>The latest progress line, or the failure.</summary>
    public string? Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <inheritdoc />
    public void Report(string value)
    {
        lock (_gate)
        {
            if (_running)
            {
                _status = "generating demo data… " + value;
            }
        }
    }

    internal void Start()
    {
        lock (_gate)
        {
            _running = true;
            _status = "generating demo data…";
        }
    }

    internal void Finish(string? failure)
    {
        lock (_gate)
        {
            _running = false;
            _status = failure;
        }
    }
}

/// <summary>
/// On start, when the lake holds no decisions and <c>Demo:SeedOnStart</c> is true, generates demo data in the background
/// so the server answers at once; pages say "generating demo data…" meanwhile. A run interrupted by a stop or a crash
/// (its marker <see cref="MarkerFile"/> still says "started") is resumed on the next start, and the log says so.
/// </summary>
internal sealed class DemoSeeder(
    IngestPipeline pipeline,
    IOptions<LakeOptions> lake,
    IOptions<DemoSeedOptions> options,
    DemoSeedState state,
    TimeProvider time,
    RollupJob rollups,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    /// <summary>The marker of a seeding run in the lake: written before the first batch, completed after the last.</summary>
    public const string MarkerFile = "_demo-seed.json";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var root = Path.GetFullPath(lake.Value.Root);
        var decisions = Path.Combine(root, "decisions");
        var markerPath = Path.Combine(root, MarkerFile);
        var marker = ReadMarker(markerPath);
        if (!options.Value.SeedOnStart || marker?.State == "complete")
        {
            return;
        }

        var interrupted = marker?.State == "started";
        if (!interrupted && Directory.Exists(decisions) && Directory.EnumerateFiles(decisions, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return;
        }

        state.Start();
        await Task.Yield();
        try
        {
            // The same seed, size and as-of give the same batches under the same keys, so a resumed run lands only the
            // batches the interrupted one had not published and the lake ends as a single uninterrupted run leaves it.
            var now = time.GetUtcNow();
            marker = interrupted ? marker! : new SeedMarker("started", options.Value.Cases, options.Value.Seed, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero));
            if (interrupted)
            {
                logger.LogWarning(
                    "An earlier demo seeding of {Lake} was interrupted: resuming it ({Cases} cases, seed {Seed}, as of {AsOf:u}); batches already landed are kept, the rest land",
                    root, marker.Cases, marker.Seed, marker.AsOf);
                state.Report("resuming an interrupted demo seeding");
            }
            else
            {
                logger.LogInformation("The lake {Lake} has no decisions: generating demo data ({Cases} cases, seed {Seed})", root, marker.Cases, marker.Seed);
                WriteMarker(markerPath, marker);
            }

            var summary = await DemoGenerator.RunAsync(
                pipeline,
                new DemoOptions(Cases: marker.Cases, Seed: marker.Seed, AsOf: marker.AsOf, WithBadRecords: true),
                time,
                state,
                stoppingToken);
            WriteMarker(markerPath, marker with { State = "complete" });
            logger.LogInformation("Demo data landed: {Rows} rows, {Quarantined} quarantined", summary.RowsPerKind.Values.Sum(), summary.Quarantined);
            await BuildRollupsAsync(stoppingToken);
            state.Finish(null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            state.Finish(null);
        }
        catch (Exception ex)
        {
            // The dashboard keeps serving whatever the lake holds; the banner says why there is no demo data.
            logger.LogError(ex, "Demo data generation failed");
            state.Finish("demo data generation failed: " + ex.Message);
        }
    }

    private static SeedMarker? ReadMarker(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<SeedMarker>(File.ReadAllText(path), MarkerJson) : null;
        }
        catch (JsonException)
        {
            // A marker torn by a crash while it was written: the run it described did not complete.
            return null;
        }
    }

    private static void WriteMarker(string path, SeedMarker marker)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(marker, MarkerJson));
        File.Move(temp, path, overwrite: true);
    }

    private static readonly JsonSerializerOptions MarkerJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What a seeding run was asked for, so an interrupted one can be resumed exactly.</summary>
    internal sealed record SeedMarker(string State, int Cases, int Seed, DateTimeOffset AsOf);

    /// <summary>
    /// Publishes the rollups right away, so the first dashboard visit reads daily aggregates instead of waiting for the
    /// recurring rollup job; a failure only costs speed (pages fall back to the raw views), so it is logged, not thrown.
    /// </summary>
    private async Task BuildRollupsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await rollups.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or DuckDB.NET.Data.DuckDBException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Rollups after the demo data could not be built; the recurring rollup job will retry");
        }
    }
}
