using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>Registers the PostgreSQL source (options, extractor, job).</summary>
public static class PostgresSourceServiceCollectionExtensions
{
    /// <summary>Binds <see cref="PostgresSourceOptions"/> from <c>Sources:Postgres</c> and registers the extractor and its job.</summary>
    public static IServiceCollection AddPostgresSource(this IServiceCollection services)
    {
        services.AddOptions<PostgresSourceOptions>()
            .BindConfiguration(PostgresSourceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<PostgresExtractor>();
        services.TryAddTransient<PostgresExtractJob>();
        return services;
    }

    /// <summary>True when a source connection string is configured.</summary>
    public static bool IsPostgresSourceConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration?[$"{PostgresSourceOptions.SectionName}:{nameof(PostgresSourceOptions.ConnectionString)}"]);
}
