using Hangfire;
using Microsoft.Extensions.Logging;

namespace RiskOps.Reports.Alerts;

/// <summary>Hangfire job: one alert evaluation (a thin adapter over <see cref="AlertService"/>). Serialised across servers.</summary>
public sealed class AlertJob(AlertService service, TimeProvider time, ILogger<AlertJob> logger)
{
    /// <summary>The recurring job id.</summary>
    public const string RecurringJobId = "alerts";

    /// <summary>Evaluates every rule and delivers what is due. Delivery failures are retried by later runs, not by Hangfire.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 10 * 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var result = await service.RunAsync(time.GetUtcNow(), cancellationToken);
        logger.LogInformation(
            "Alerts: {Rules} rules evaluated, {Fired} fired, {Resolved} resolved, {Delivered} delivered, {Failures} delivery failures, {Open} open",
            result.RulesEvaluated, result.Fired, result.Resolved, result.Delivered, result.DeliveryFailures, result.OpenBreaches);
    }
}
