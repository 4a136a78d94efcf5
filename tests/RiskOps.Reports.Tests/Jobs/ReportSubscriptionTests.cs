using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Jobs;
using RiskOps.Reports.Pdf;
using RiskOps.Reports.Tests.Delivery;

namespace RiskOps.Reports.Tests.Jobs;

[Collection(DemoLakeCollection.Name)]
public sealed class ReportSubscriptionTests(DemoLakeFixture lake) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("riskops-subscription-").FullName;

    [Fact]
    public async Task Subscription_FiredThroughHangfire_MailArrivesWithArchivedPdf()
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lake:Root"] = lake.Lake,
            ["Reports:Subscriptions:0:Name"] = "vendor-keystone",
            ["Reports:Subscriptions:0:Recipients:0"] = "keystone.manager@example.test",
            ["Reports:Subscriptions:0:Vendors:0"] = "Keystone",
            ["Reports:Subscriptions:0:Cron"] = "0 8 * * 1",
            ["Reports:Subscriptions:0:TimeZone"] = "Asia/Singapore",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:From"] = "riskops@example.test",
        }).Build();
        var storage = new InMemoryStorage();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        // Monday 08:00 in Singapore is 00:00 UTC: the last complete UTC week is 2026-W47.
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IRecurringJobManager>(new RecurringJobManager(storage));
        services.AddReports(configuration);
        await using var provider = services.BuildServiceProvider();
        // The archive of this test lives in the lake's _reports folder: give it its own subscription name and clean it up.
        var archive = provider.GetRequiredService<ReportArchive>();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        using (var connection = storage.GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == ReportDeliveryJob.JobId("vendor-keystone"));
            Assert.Equal("0 8 * * 1", job.Cron);
            Assert.Equal("Asia/Singapore", job.TimeZoneId);
        }

        using var server = new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = 1, SchedulePollingInterval = TimeSpan.FromSeconds(1), Activator = new ProviderActivator(provider) },
            storage);
        provider.GetRequiredService<IRecurringJobManager>().Trigger(ReportDeliveryJob.JobId("vendor-keystone"));

        try
        {
            var message = Assert.Single(smtp.WaitFor(1, TimeSpan.FromSeconds(120)));
            Assert.Equal("keystone.manager@example.test", message.To.Mailboxes.Single().Address);
            Assert.Contains("2026-W47", message.Subject);
            Assert.Contains("vendors Keystone", message.TextBody);
            var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
            using var content = new MemoryStream();
            attachment.Content!.DecodeTo(content);
            var archived = Assert.Single(archive.List(), r => r.Subscription == "vendor-keystone" && r.Week == "2026-W47");
            using var stream = archive.OpenRead(archived.Id) ?? throw new InvalidOperationException("archived pack missing");
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            Assert.Equal(bytes.ToArray(), content.ToArray());
        }
        finally
        {
            var folder = Path.Combine(archive.Root, "vendor-keystone");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("2026-11-23T00:00:00Z", "2026-W47")]
    [InlineData("2026-11-22T23:59:59Z", "2026-W46")]
    [InlineData("2026-11-23T07:30:00+08:00", "2026-W46")]
    [InlineData("2026-11-23T08:00:00+08:00", "2026-W47")]
    [InlineData("2027-01-04T06:00:00Z", "2026-W53")]
    public void LastCompleteBefore_UtcWeeksIgnoreTheSendersZone(string instant, string week)
    {
        var period = ReportPeriod.LastCompleteBefore(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(week, period.Week);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private sealed class ProviderActivator(IServiceProvider provider) : JobActivator
    {
        public override object ActivateJob(Type jobType) => ActivatorUtilities.GetServiceOrCreateInstance(provider, jobType);
    }
}
