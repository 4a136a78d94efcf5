using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Sources.Postgres;

namespace RiskOps.Production.Tests.Support;

/// <summary>In-process pipelines with the same hash key as the worker processes.</summary>
public static class TestPipelines
{
    /// <summary>A pipeline over <paramref name="lake"/>.</summary>
    public static IngestPipeline Pipeline(string lake) =>
        IngestPipeline.Create(lake, Configuration());

    /// <summary>Lands <paramref name="files"/> as decisions directly, without Hangfire (the clean reference run).</summary>
    public static async Task IngestAsync(string lake, IEnumerable<string> files)
    {
        var pipeline = Pipeline(lake);
        foreach (var file in files)
        {
            await pipeline.IngestFileAsync(file, RecordKind.Decisions, CancellationToken.None);
        }
    }

    /// <summary>A PostgreSQL extractor landing in <paramref name="lake"/>.</summary>
    public static PostgresExtractor Extractor(string lake, PostgresSourceOptions options) =>
        new(Pipeline(lake), Options.Create(options), Options.Create(new LakeOptions { Root = lake, HashKey = WorkerProcess.HashKey }),
            TimeProvider.System, NullLogger<PostgresExtractor>.Instance);

    private static IConfiguration Configuration() =>
        new ConfigurationBuilder().AddInMemoryCollection([new("Lake:HashKey", WorkerProcess.HashKey)]).Build();
}
