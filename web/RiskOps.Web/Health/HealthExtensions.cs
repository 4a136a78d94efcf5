using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;

namespace RiskOps.Web.Health;

/// <summary>Options of the readiness checks (section <c>Health</c>).</summary>
internal sealed class HealthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Health";

    /// <summary>Readiness fails when the oldest batch not folded into the published rollup is older than this.</summary>
    /// <value>Default: 60 minutes (the rollup job runs every 10).</value>
    public int MaxRollupLagMinutes { get; set; } = 60;

    /// <summary>The window of recent batches the quarantine-spike check looks at.</summary>
    /// <value>Default: 60 minutes.</value>
    public int QuarantineWindowMinutes { get; set; } = 60;

    /// <summary>A quarantined share above this, over the window's records, is a spike (readiness degraded).</summary>
    /// <value>Default: 0.2 (one record in five).</value>
    public double MaxQuarantineShare { get; set; } = 0.2;

    /// <summary>Fewer records than this in the window are never a spike (a handful of bad test rows is not an incident).</summary>
    /// <value>Default: 100.</value>
    public long QuarantineMinRecords { get; set; } = 100;

    /// <summary>How long the Hangfire storage may take to answer.</summary>
    /// <value>Default: 5 seconds.</value>
    public int StorageTimeoutSeconds { get; set; } = 5;
}

/// <summary><c>/health</c> (liveness), <c>/health/ready</c> (readiness, ASP.NET Core health checks) and <c>/metrics</c> (Prometheus).</summary>
internal static class HealthExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>Registers the checks: lake readable, Hangfire storage reachable, rollup lag, quarantine spike.</summary>
    public static WebApplicationBuilder AddRiskOpsHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName);
        builder.Services.AddSingleton<LakeFileCheck>();
        builder.Services.AddSingleton<LakeActivity>();
        builder.Services.AddHealthChecks()
            .AddCheck<LakeReadableCheck>("lake", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<JobStorageCheck>("hangfire", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<RollupLagCheck>("rollup", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<QuarantineSpikeCheck>("quarantine", HealthStatus.Degraded, [ReadyTag]);
        return builder;
    }

    /// <summary>Request latency for Prometheus (<c>http_request_duration_seconds</c>); put after routing so routes are labels.</summary>
    public static WebApplication UseRequestMetrics(this WebApplication app)
    {
        app.UseHttpMetrics();
        return app;
    }

    /// <summary>Maps <c>/health</c>, <c>/health/ready</c> and <c>/metrics</c>, all without authentication (probes and scrapers have no session).</summary>
    public static WebApplication MapRiskOpsHealth(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteJsonAsync,
        }).AllowAnonymous();

        // The lake gauges are this app's (test hosts share the default registry): refreshed on each scrape, before export.
        var lakeFiles = app.Services.GetRequiredService<LakeFileCheck>();
        var activity = app.Services.GetRequiredService<LakeActivity>();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/metrics"), branch => branch.Use(async (context, next) =>
        {
            var snapshot = activity.Read();
            RiskOpsMetrics.RollupLag.Set(snapshot.RollupLag.TotalSeconds);
            RiskOpsMetrics.RollupPending.Set(snapshot.PendingBatches);
            RiskOpsMetrics.UnreadableFiles.Set(lakeFiles.Scan(context.RequestAborted).Count);
            await next(context);
        }));
        app.MapMetrics("/metrics").AllowAnonymous();
        return app;
    }

    /// <summary><c>{"status":"unhealthy","checks":[{"name":"lake","status":"unhealthy","description":"…"}, …]}</c>.</summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = Name(report.Status),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = Name(e.Value.Status),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                duration_ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>Unhealthy when a Parquet file of the lake cannot be read; names the files.</summary>
internal sealed class LakeReadableCheck(LakeFileCheck files) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(files.LakeRoot))
        {
            return Task.FromResult(HealthCheckResult.Degraded($"the lake folder {files.LakeRoot} does not exist yet (nothing landed)"));
        }

        var bad = files.Scan(cancellationToken);
        return Task.FromResult(bad.Count == 0
            ? HealthCheckResult.Healthy("every lake file is readable")
            : HealthCheckResult.Unhealthy($"{bad.Count} unreadable lake file(s): " + string.Join("; ", bad.Take(10).Select(f => $"{f.File} ({f.Reason})"))));
    }
}

/// <summary>Unhealthy when the Hangfire storage (PostgreSQL in production) does not answer in time.</summary>
internal sealed class JobStorageCheck(JobStorage storage, IOptions<HealthOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = await Task.Run(() => storage.GetMonitoringApi().Servers().Count, cancellationToken)
                .WaitAsync(TimeSpan.FromSeconds(options.Value.StorageTimeoutSeconds), cancellationToken);
            return HealthCheckResult.Healthy($"job storage reachable ({storage.GetType().Name}, {servers} server(s))");
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"job storage did not answer within {options.Value.StorageTimeoutSeconds} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"job storage unreachable: {ex.GetType().Name}: {ex.Message}");
        }
    }
}

/// <summary>Unhealthy when batches have waited longer than <see cref="HealthOptions.MaxRollupLagMinutes"/> to be folded into the rollup.</summary>
internal sealed class RollupLagCheck(LakeActivity activity, IOptions<HealthOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = activity.Read();
        var max = TimeSpan.FromMinutes(options.Value.MaxRollupLagMinutes);
        var text = snapshot.PendingBatches == 0
            ? "the published rollup includes every batch"
            : $"{snapshot.PendingBatches} batch(es) not yet in the published rollup, the oldest for {snapshot.RollupLag.TotalMinutes:0.0} min (limit {max.TotalMinutes:0} min)";
        return Task.FromResult(snapshot.RollupLag > max ? HealthCheckResult.Unhealthy(text) : HealthCheckResult.Healthy(text));
    }
}

/// <summary>Degraded when the recent batches sent more than <see cref="HealthOptions.MaxQuarantineShare"/> of their records to quarantine.</summary>
internal sealed class QuarantineSpikeCheck(LakeActivity activity, IOptions<HealthOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var snapshot = activity.Read();
        var share = snapshot.WindowRecords == 0 ? 0 : (double)snapshot.WindowQuarantined / snapshot.WindowRecords;
        var text = $"{snapshot.WindowQuarantined} of {snapshot.WindowRecords} records quarantined in the last {o.QuarantineWindowMinutes} min ({share:P1}; limit {o.MaxQuarantineShare:P0})";
        return Task.FromResult(snapshot.WindowRecords >= o.QuarantineMinRecords && share > o.MaxQuarantineShare
            ? HealthCheckResult.Degraded("quarantine spike: " + text)
            : HealthCheckResult.Healthy(text));
    }
}
