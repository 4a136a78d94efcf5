using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Jobs;

namespace RiskOps.Sql;

/// <summary>Registers the warehouse's options and jobs.</summary>
public static class SqlServiceCollectionExtensions
{
    /// <summary>Adds <see cref="WarehouseOptions"/> (section <c>Lake</c>) and <see cref="RollupJob"/>.</summary>
    public static IServiceCollection AddWarehouse(this IServiceCollection services)
    {
        services.AddOptions<WarehouseOptions>().BindConfiguration(WarehouseOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<RollupJob>();
        services.AddExperimentRegistry();
        return services;
    }
}
