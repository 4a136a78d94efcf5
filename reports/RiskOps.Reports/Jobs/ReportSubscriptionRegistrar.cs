using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Reports.Delivery;

namespace RiskOps.Reports.Jobs;

/// <summary>Registers one Hangfire recurring job per configured subscription at start-up, with its cron and time zone.</summary>
public sealed class ReportSubscriptionRegistrar(
    IRecurringJobManager jobs,
    IOptions<ReportsOptions> options,
    ILogger<ReportSubscriptionRegistrar> logger) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in options.Value.Subscriptions)
        {
            var name = subscription.Name;
            jobs.AddOrUpdate<ReportDeliveryJob>(
                ReportDeliveryJob.JobId(name),
                job => job.RunAsync(name, CancellationToken.None),
                subscription.Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(subscription.TimeZone) });
            logger.LogInformation(
                "Report subscription {Name}: '{Cron}' in {TimeZone} to {Recipients} recipient(s)",
                name, subscription.Cron, subscription.TimeZone, subscription.Recipients.Count);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
