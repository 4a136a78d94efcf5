using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Sources.Postgres;
using RiskOps.Sql.Jobs;

namespace RiskOps.Web.Jobs;

/// <summary>Hangfire composition shared by the web app and <c>riskops worker</c>.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds Hangfire: PostgreSQL storage when <c>ConnectionStrings:Hangfire</c> is set, else in-memory storage;
    /// with <paramref name="runServer"/> a Hangfire server processing the queues of <c>Jobs:Queues</c>. Also binds
    /// <see cref="JobsOptions"/>, registers the PostgreSQL source and the recurring-job registrar.
    /// </summary>
    public static IServiceCollection AddRiskOpsJobs(this IServiceCollection services, IConfiguration configuration, bool runServer = true)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<JobsOptions>()
            .BindConfiguration(JobsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        AddLake(services);
        if (!services.Any(d => d.ServiceType == typeof(RollupJob)))
        {
            RiskOps.Sql.SqlServiceCollectionExtensions.AddWarehouse(services);
        }

        services.AddPostgresSource();

        // Storage is chosen before the container exists, so read the options directly from configuration here.
        var options = configuration.GetSection(JobsOptions.SectionName).Get<JobsOptions>() ?? new JobsOptions();
        var connectionString = HangfireStorage.PostgresConnectionString(configuration);
        services.AddHangfire(c => c.UseRiskOpsSerialization().UseRiskOpsStorage(connectionString, options));

        if (runServer)
        {
            services.AddHangfireServer(server =>
            {
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                server.Queues = options.QueueList();
                server.WorkerCount = options.EffectiveWorkerCount();
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.HeartbeatInterval = options.HeartbeatInterval;
                server.ServerTimeout = options.ServerTimeout;
                server.ShutdownTimeout = options.ShutdownTimeout;
            });
        }

        services.AddHostedService<RecurringJobsRegistrar>();
        return services;
    }

    /// <summary>
    /// What the jobs need from the lake, registered only when the host has not done it already (the web app does; the
    /// worker host relies on this): <see cref="LakeOptions"/> from <c>Lake</c> and the one <see cref="IngestPipeline"/>.
    /// </summary>
    private static void AddLake(IServiceCollection services)
    {
        services.AddOptions<EtlOptions>().BindConfiguration(EtlOptions.SectionName);
        if (!services.Any(d => d.ServiceType == typeof(IngestPipeline)))
        {
            services.AddOptions<LakeOptions>().BindConfiguration(LakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
            services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LakeOptions>>().Value);
            services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<IngestPipeline>(sp));
        }

        // A worker completes or rolls back a publish interrupted by a crash as it starts, not only at its first scan
        // (AddHostedService skips a second registration when AddEtl already made one).
        services.AddHostedService<LakeRecoveryService>();
    }
}
