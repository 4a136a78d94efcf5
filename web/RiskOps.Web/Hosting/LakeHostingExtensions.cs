using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskOps.Etl;
using RiskOps.Etl.Lake;
using RiskOps.Reports;
using RiskOps.Sql;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Demo;

namespace RiskOps.Web.Hosting;

/// <summary>The libraries' areas in the web app: the warehouse (reads), the ETL pipeline (writes) and the reports.</summary>
internal static class LakeHostingExtensions
{
    /// <summary>
    /// Reads: the warehouse area (rollup job, options) and <see cref="DashboardData"/>, the cached per-request access to
    /// <c>RiskOps.Sql.Warehouse</c> over <c>Lake:Root</c> (<c>--lake DIR</c>).
    /// </summary>
    public static WebApplicationBuilder AddWarehouse(this WebApplicationBuilder builder)
    {
        builder.Services.AddWarehouse();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<DashboardData>();
        return builder;
    }

    /// <summary>
    /// Writes: the ETL area (<see cref="LakeOptions"/> from <c>Lake</c>, the <see cref="IngestPipeline"/> the ingest API
    /// lands through, the ETL jobs) and the first-start demo seeder (<c>Demo:SeedOnStart</c>, <c>Demo:Cases</c>, <c>Demo:Seed</c>).
    /// </summary>
    public static WebApplicationBuilder AddEtl(this WebApplicationBuilder builder)
    {
        builder.Services.AddEtl(builder.Configuration);
        // Production mode seeds nothing unless asked (and ProductionMode refuses the asking).
        var production = ProductionMode.IsOn(builder.Configuration) && builder.Configuration["Demo:SeedOnStart"] is null;
        builder.Services.AddOptions<DemoSeedOptions>().BindConfiguration("Demo").PostConfigure(o => o.SeedOnStart &= !production);
        builder.Services.AddSingleton<DemoSeedState>();
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }

    /// <summary>The reports area: pack renderer, archive and report subscriptions (scheduled through the jobs area).</summary>
    public static WebApplicationBuilder AddReports(this WebApplicationBuilder builder)
    {
        builder.Services.AddReports(builder.Configuration);
        return builder;
    }
}
