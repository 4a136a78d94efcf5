using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RiskOps.Reports.Alerts;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Jobs;
using RiskOps.Reports.Pdf;

namespace RiskOps.Reports;

/// <summary>Registers the reports area: pack renderer, archive, SMTP settings, subscriptions and their recurring jobs.</summary>
public static class ReportsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PackRenderer"/>, <see cref="ReportArchive"/> (under <c>Lake:Root</c>/_reports), <see cref="ReportDeliveryJob"/>,
    /// the <c>Reports</c> and <c>Smtp</c> options (validated at start) and the hosted service that registers one recurring
    /// job per subscription. Needs Hangfire's <see cref="IRecurringJobManager"/> (from the jobs area) and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportsOptions>()
            .BindConfiguration(ReportsOptions.SectionName)
            .Validate(o => o.Subscriptions.All(s => s.Name.Length > 0 && System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")),
                "Reports:Subscriptions: every subscription needs a Name of 1-64 letters, digits, '.', '_' or '-'")
            .Validate(o => o.Subscriptions.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() == o.Subscriptions.Count,
                "Reports:Subscriptions: names must be unique")
            .Validate(o => o.Subscriptions.All(s => !string.IsNullOrWhiteSpace(s.Cron)), "Reports:Subscriptions: Cron is required")
            .Validate(o => o.Subscriptions.All(s => IsTimeZone(s.TimeZone)), "Reports:Subscriptions: TimeZone is not a known time zone id")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.SectionName)
            .Validate(o => o.Port is > 0 and < 65536, "Smtp:Port must be 1-65535")
            .Validate(o => !o.IsConfigured || MimeKit.MailboxAddress.TryParse(o.From, out _), "Smtp:From is not an email address")
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>().Configure(o => o.Host = string.IsNullOrWhiteSpace(o.Host) ? null : o.Host.Trim());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ReportArchive(sp.GetRequiredService<IConfiguration>()["Lake:Root"] ?? "lake"));
        services.AddSingleton<PackRenderer>();
        services.AddTransient<ReportDeliveryJob>();
        services.AddHostedService<ReportSubscriptionRegistrar>();
        services.AddAlerts();
        return services;
    }

    private static bool IsTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}
