using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Demo;

namespace RiskOps.Web.Hosting;

/// <summary>The lake's two doors in the web app: the warehouse (reads) and the ETL pipeline (writes).</summary>
internal static class LakeHostingExtensions
{
    /// <summary>
    /// Reads: binds <see cref="LakeOptions"/> from <c>Lake</c> (<c>--lake DIR</c> maps to <c>Lake:Root</c>) and registers
    /// <see cref="DashboardData"/>, the cached per-request access to <c>RiskOps.Sql.Warehouse</c>.
    /// </summary>
    public static WebApplicationBuilder AddWarehouse(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddOptions<LakeOptions>().BindConfiguration(LakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DashboardData>();
        return builder;
    }

    /// <summary>
    /// Writes: the <see cref="IngestPipeline"/> (the ingest API and demo seeding land through it) and the first-start demo
    /// seeder (<c>Demo:SeedOnStart</c>, <c>Demo:Cases</c>, <c>Demo:Seed</c>).
    /// </summary>
    public static WebApplicationBuilder AddEtl(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<LakeOptions>>().Value);
        builder.Services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<IngestPipeline>(sp));
        builder.Services.AddOptions<DemoSeedOptions>().BindConfiguration("Demo");
        builder.Services.AddSingleton<DemoSeedState>();
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }
}
