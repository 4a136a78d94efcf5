using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RiskOps.Reports.Alerts;

/// <summary>Registers the alerts: options (validated on start), store, delivery, service, job and its recurring registration.</summary>
public static class AlertsServiceCollectionExtensions
{
    /// <summary>Adds the alerts area (called by <c>AddReports</c>). Needs <see cref="IRecurringJobManager"/> from the jobs area.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddOptions<AlertsOptions>()
            .BindConfiguration(AlertsOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AlertStore(sp.GetRequiredService<IConfiguration>()["Lake:Root"] ?? "lake"));
        services.AddHttpClient<AlertDelivery>((sp, client) =>
            client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<AlertsOptions>>().Value.WebhookTimeoutSeconds));
        services.AddSingleton<Func<IAlertFigures>>(sp =>
        {
            var store = sp.GetRequiredService<AlertStore>();
            return () => new WarehouseAlertFigures(store.LakeRoot);
        });
        services.AddTransient<AlertService>();
        services.AddTransient<AlertJob>();
        services.AddHostedService<AlertJobRegistrar>();
        return services;
    }
}

/// <summary>Gives every broken field of the <c>Alerts</c> section its own line in the start-up error.</summary>
internal sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var errors = AlertRuleValidator.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Registers (or removes, without a cron) the recurring alert job on start, through <see cref="IRecurringJobManager"/>.</summary>
internal sealed class AlertJobRegistrar(IRecurringJobManager manager, IOptions<AlertsOptions> options, ILogger<AlertJobRegistrar> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = options.Value.Cron?.Trim();
        if (string.IsNullOrEmpty(cron))
        {
            manager.RemoveIfExists(AlertJob.RecurringJobId);
            logger.LogInformation("Recurring job {Id} disabled (Alerts:Cron is empty)", AlertJob.RecurringJobId);
            return Task.CompletedTask;
        }

        manager.AddOrUpdate<AlertJob>(AlertJob.RecurringJobId, "reports", j => j.RunAsync(CancellationToken.None), cron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        logger.LogInformation("Recurring job {Id} scheduled at '{Cron}' (UTC)", AlertJob.RecurringJobId, cron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
