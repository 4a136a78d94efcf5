using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RiskOps.Sql.Jobs;

/// <summary>Where the warehouse finds the lake. Bound from the <c>Lake</c> section (the same <c>Lake:Root</c> the ETL uses).</summary>
public sealed class WarehouseOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Lake";

    /// <summary>The lake's root folder.</summary>
    /// <value>Default: <c>./lake</c>.</value>
    public string Root { get; set; } = "lake";
}

/// <summary>
/// Hangfire job: refreshes the rollups under <c>&lt;lake&gt;/_rollups/</c> so dashboards and reports do not rescan raw
/// Parquet. Serialised across servers; a run with nothing new to roll up is a no-op.
/// </summary>
public sealed class RollupJob(IOptions<WarehouseOptions> options, TimeProvider time, ILogger<RollupJob> logger)
{
    /// <summary>The recurring job id.</summary>
    public const string RecurringJobId = "rollup-refresh";

    /// <summary>Builds and publishes a new rollup version unless the current one is still fresh.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 30 * 60)]
    public Task RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var warehouse = Warehouse.Open(options.Value.Root);
        if (warehouse.FreshRollup() is { } fresh)
        {
            logger.LogInformation("Rollups are fresh ({Folder}); nothing to do", fresh);
            return Task.CompletedTask;
        }

        var folder = warehouse.BuildRollups(time.GetUtcNow());
        logger.LogInformation("Published rollups {Folder}", folder);
        return Task.CompletedTask;
    }
}
