using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl;

/// <summary>Registers the ETL: lake options, the ingest pipeline and the ETL jobs.</summary>
public static class EtlServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="LakeOptions"/> (section <c>Lake</c>) and <see cref="EtlOptions"/> (section <c>Etl</c>), registers
    /// <see cref="IngestPipeline"/> (singleton), <see cref="LandingScanJob"/>, <see cref="CompactionJob"/> and the start-up
    /// <see cref="LakeRecoveryService"/>.
    /// Recurring schedules are the jobs composition's business.
    /// </summary>
    public static IServiceCollection AddEtl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LakeOptions>()
            .Bind(configuration.GetSection(LakeOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<EtlOptions>().Bind(configuration.GetSection(EtlOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IngestPipeline(
            sp.GetRequiredService<IOptions<LakeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IngestPipeline>>()));
        services.TryAddTransient<LandingScanJob>();
        services.TryAddTransient<CompactionJob>();
        // At start: finish (or roll back) a publish a crash interrupted, and backfill lake versions of an older lake.
        services.AddHostedService<LakeRecoveryService>();
        return services;
    }
}
