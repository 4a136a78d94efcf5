using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;

namespace RiskOps.Web.Jobs;

/// <summary>
/// One place that decides Hangfire's storage and serialisation, so the web app, <c>riskops worker</c>, tests and the
/// drain benchmark all read and write jobs the same way.
/// </summary>
public static class HangfireStorage
{
    /// <summary>The connection string name that switches Hangfire to PostgreSQL (<c>ConnectionStrings:Hangfire</c>).</summary>
    public const string ConnectionStringName = "Hangfire";

    /// <summary>The configuration key of the Hangfire connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:" + ConnectionStringName;

    /// <summary>The PostgreSQL connection string from configuration, or null for the in-memory default.</summary>
    public static string? PostgresConnectionString(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration.GetConnectionString(ConnectionStringName);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Serialisation settings every process must share (type names without versions survive upgrades).</summary>
    public static IGlobalConfiguration UseRiskOpsSerialization(this IGlobalConfiguration configuration) =>
        configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings();

    /// <summary>The PostgreSQL storage options derived from <paramref name="options"/>.</summary>
    public static PostgreSqlStorageOptions PostgresOptions(JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PostgreSqlStorageOptions
        {
            SchemaName = options.SchemaName,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = options.QueuePollInterval,
            InvisibilityTimeout = options.InvisibilityTimeout,
            // Keeps a running job's fetch alive, so a short invisibility timeout only ever frees jobs of dead workers.
            UseSlidingInvisibilityTimeout = true,
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
            // Survive a database that is still starting (docker compose up) instead of crashing the worker (turns on resilient startup).
            StartupConnectionMaxRetries = 10,
        };
    }

    /// <summary>Puts Hangfire on PostgreSQL when <paramref name="connectionString"/> is set, else in memory.</summary>
    public static IGlobalConfiguration UseRiskOpsStorage(this IGlobalConfiguration configuration, string? connectionString, JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return connectionString is null
            ? configuration.UseInMemoryStorage(new InMemoryStorageOptions())
            : configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), PostgresOptions(options));
    }

    /// <summary>A PostgreSQL job storage outside any host (tests, benchmark, tooling that enqueues without a server).</summary>
    public static JobStorage CreatePostgres(string connectionString, JobsOptions options)
    {
        GlobalConfiguration.Configuration.UseRiskOpsSerialization();
        return new PostgreSqlStorage(new Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, PostgresOptions(options)), PostgresOptions(options));
    }
}
