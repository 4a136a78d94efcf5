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

    /// <summary>
    /// Folds the batches published since the current rollup into a new version (the same work as <c>riskops rollup</c>);
    /// a no-op when the published rollup already includes the lake's version.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 30 * 60)]
    public Task RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var warehouse = Warehouse.Open(options.Value.Root);
        var (rollup, built) = warehouse.Fold(time.GetUtcNow());
        if (built)
        {
            logger.LogInformation("Published rollup version {Version} ({Folder})", rollup.LakeVersion, rollup.Folder);
        }
        else
        {
            logger.LogInformation("Rollup version {Version} is fresh; nothing to do", rollup.LakeVersion);
        }

        return Task.CompletedTask;
    }
}
