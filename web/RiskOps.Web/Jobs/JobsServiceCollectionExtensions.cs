using Hangfire;
using Hangfire.InMemory;

namespace RiskOps.Web.Jobs;

/// <summary>Hangfire composition shared by the web app and <c>riskops worker</c>.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds Hangfire: PostgreSQL storage when <c>ConnectionStrings:Hangfire</c> is set, else in-memory storage;
    /// with <paramref name="runServer"/> a Hangfire server processing the project's queues.
    /// </summary>
    public static IServiceCollection AddRiskOpsJobs(this IServiceCollection services, IConfiguration configuration, bool runServer = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage(new InMemoryStorageOptions()));
        if (runServer)
        {
            services.AddHangfireServer();
        }

        return services;
    }
}
