using RiskOps.Web.Jobs;

namespace RiskOps.Web.Hosting;

/// <summary>A production-mode setting that makes the process refuse to start; its message is one line for the operator.</summary>
public sealed class ProductionConfigurationException(string message) : Exception(message);

/// <summary>
/// Production mode (contract v2 §3) is Hangfire on PostgreSQL — <c>ConnectionStrings:Hangfire</c> set — not the host
/// environment name, so the embedded default (README's first command) keeps working unchanged. In production mode the
/// web app and every worker refuse to start without a stable hash key or with demo seeding switched on.
/// </summary>
public static class ProductionMode
{
    /// <summary>The shortest accepted <c>Lake:HashKey</c> in production mode (characters).</summary>
    public const int MinHashKeyLength = 32;

    /// <summary>True when <c>ConnectionStrings:Hangfire</c> is set.</summary>
    public static bool IsOn(IConfiguration configuration) => HangfireStorage.PostgresConnectionString(configuration) is not null;

    /// <summary>Throws <see cref="ProductionConfigurationException"/> when production mode is on and a setting is unsafe.</summary>
    public static void Validate(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!IsOn(configuration))
        {
            return;
        }

        var key = configuration["Lake:HashKey"];
        if (string.IsNullOrWhiteSpace(key) || key.Trim().Length < MinHashKeyLength)
        {
            // Hashes are join keys: a process hashing with a generated development key would split every user in two.
            throw new ProductionConfigurationException(
                $"production mode (ConnectionStrings:Hangfire is set) needs Lake:HashKey (Lake__HashKey) of at least {MinHashKeyLength} characters, the same in every process; "
                + (string.IsNullOrWhiteSpace(key) ? "it is not set" : $"it has {key.Trim().Length}"));
        }

        if (configuration.GetValue<bool?>("Demo:SeedOnStart") == true)
        {
            throw new ProductionConfigurationException(
                "production mode (ConnectionStrings:Hangfire is set) refuses Demo:SeedOnStart=true: it would seed 20,000 fake cases into a real lake; remove it or set it to false");
        }
    }
}
