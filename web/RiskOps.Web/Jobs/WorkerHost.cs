namespace RiskOps.Web.Jobs;

/// <summary>
/// <c>riskops worker</c>: a generic host (no Kestrel, no UI) running a Hangfire server with the same services and jobs
/// as the web app. Scale out by starting more of them against the same <c>ConnectionStrings:Hangfire</c> database.
/// </summary>
public static class WorkerHost
{
    /// <summary>Builds the worker host. <paramref name="lakeRoot"/> (from <c>--lake</c>) overrides <c>Lake:Root</c>.</summary>
    public static IHost Build(string? lakeRoot, string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        if (!string.IsNullOrWhiteSpace(lakeRoot))
        {
            builder.Configuration.AddInMemoryCollection([new("Lake:Root", Path.GetFullPath(lakeRoot))]);
        }

        RiskOps.Web.Hosting.ProductionMode.Validate(builder.Configuration);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddRiskOpsJobs(builder.Configuration, runServer: true);
        // The worker serves the reports queue too (Jobs:Queues), so it needs the jobs found there: report deliveries and
        // the alert evaluation. Without them a worker that fetched one failed it for lack of its services.
        RiskOps.Reports.ReportsServiceCollectionExtensions.AddReports(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>Runs the worker until Ctrl+C / SIGTERM; returns the exit code.</summary>
    public static async Task<int> RunAsync(string? lakeRoot, string[] args, CancellationToken cancellationToken)
    {
        using var host = Build(lakeRoot, args);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RiskOps.Worker");
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        logger.LogInformation(
            "riskops worker: Hangfire on {Storage}, lake {Lake}",
            HangfireStorage.PostgresConnectionString(configuration) is null ? "memory (set ConnectionStrings:Hangfire for production)" : "PostgreSQL",
            configuration["Lake:Root"]);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
