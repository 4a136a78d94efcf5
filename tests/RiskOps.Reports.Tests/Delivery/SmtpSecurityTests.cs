using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Jobs;
using RiskOps.Reports.Pdf;

namespace RiskOps.Reports.Tests.Delivery;

/// <summary>
/// Contract v2 §4: with <c>Smtp:User</c> set, credentials never cross in clear. A real SMTP server (aiosmtpd) that offers
/// no STARTTLS stands in for a server whose STARTTLS was stripped.
/// </summary>
[Collection(DemoLakeCollection.Name)]
public sealed class SmtpSecurityTests(DemoLakeFixture lake) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("riskops-smtp-tls-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static ReportEmail Email() => new(["lead@example.test"], "pack", "<p>pack</p>", "pack", [0x25, 0x50, 0x44, 0x46], "pack.pdf");

    [Theory]
    [InlineData(SmtpSecurity.Auto)]
    [InlineData(SmtpSecurity.StartTls)]
    public async Task SendAsync_UserSetServerOffersNoTls_RefusesAndSendsNothing(SmtpSecurity security)
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var options = new SmtpOptions { Host = "127.0.0.1", Port = port, User = "riskops", Password = "s3cret", Security = security };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ReportMailer.SendAsync(options, Email(), CancellationToken.None));

        if (security == SmtpSecurity.Auto)
        {
            Assert.IsType<SmtpSecurityException>(error);
            Assert.Contains("offered no TLS", error.Message, StringComparison.Ordinal);
            Assert.Contains("Smtp:Security=None", error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(smtp.WaitFor(1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task SendAsync_NoUserServerOffersNoTls_SendsInAutoMode()
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var options = new SmtpOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.Auto };

        await ReportMailer.SendAsync(options, Email(), CancellationToken.None);

        Assert.Single(smtp.WaitFor(1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DeliverAsync_UserSetServerOffersNoTls_FailsWithReasonAndKeepsThePdf()
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var archive = new ReportArchive(lake.Lake, Path.Combine(_work, "archive"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        var options = new SmtpOptions { Host = "127.0.0.1", Port = port, User = "riskops", Password = "s3cret", Security = SmtpSecurity.Auto, From = "riskops@example.test" };
        var subscription = ReportDeliveryJobTests.Subscription("tls");
        var job = new ReportDeliveryJob(archive, new PackRenderer(time), new StaticOptions<ReportsOptions>(new ReportsOptions { Subscriptions = [subscription] }),
            new StaticOptions<SmtpOptions>(options), time, NullLogger<ReportDeliveryJob>.Instance);

        await Assert.ThrowsAsync<SmtpSecurityException>(() => job.DeliverAsync(subscription, ReportPeriod.Parse("2025-W10"), CancellationToken.None));

        var failed = Assert.Single(archive.Deliveries());
        Assert.Equal("failed", failed.Outcome);
        Assert.Contains("offered no TLS", failed.Error, StringComparison.Ordinal);
        Assert.Contains(archive.List(), r => r.Week == "2025-W10" && !r.Sent);
        Assert.NotNull(archive.ReadPending("tls", "2025-W10", ReportArchive.PackFileName("tls", "2025-W10")));
        Assert.Empty(smtp.Messages());
    }
}
