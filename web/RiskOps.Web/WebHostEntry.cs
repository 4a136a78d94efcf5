using RiskOps.Web.Audit;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Endpoints;
using RiskOps.Web.Health;
using RiskOps.Web.Hosting;
using RiskOps.Web.Jobs;

namespace RiskOps.Web;

/// <summary>Builds and runs the dashboard and job server; shared by <c>web/</c> and <c>riskops serve</c>.</summary>
public static class WebHostEntry
{
    /// <summary>
    /// Builds the web application (dashboard, ingest API, Hangfire server) from command-line style args:
    /// <c>--lake DIR</c> (= <c>Lake:Root</c>), <c>--urls URL</c> and any <c>--Section:Key=value</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        // The application name is this assembly, not the entry assembly (`riskops`, a test host): Razor pages are
        // discovered from the application's assembly.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(WebHostEntry).Assembly.GetName().Name,
        });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--lake"] = "Lake:Root" });
        ProductionMode.Validate(builder.Configuration);

        builder.AddReverseProxySupport();
        builder.AddWarehouse();
        builder.AddEtl();
        builder.AddReports();
        builder.Services.AddRiskOpsJobs(builder.Configuration, runServer: true);
        builder.AddDashboardAuth();
        builder.AddAuditLog();
        builder.AddDashboard();
        builder.AddIngestApi();
        builder.AddRiskOpsHealth();

        var app = builder.Build();
        app.UseReverseProxySupport();
        app.UseSecurityHeaders();
        app.UseDashboardErrors();
        app.UseRouting();
        app.UseRequestMetrics();
        app.UseDashboardAuth();
        app.UseVendorScope();
        app.UseExportAudit();
        app.MapRiskOpsHealth();
        app.MapDashboard();
        app.MapWorklistExport();
        app.MapCsvExports();
        app.MapAlertHistoryExport();
        app.MapIngestApi();
        app.MapJobsDashboard();
        return app;
    }

    /// <summary>Builds and runs until shutdown.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
        return 0;
    }
}
