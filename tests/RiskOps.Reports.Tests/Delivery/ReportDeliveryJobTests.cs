using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Jobs;
using RiskOps.Reports.Pdf;

namespace RiskOps.Reports.Tests.Delivery;

[Collection(DemoLakeCollection.Name)]
public sealed class ReportDeliveryJobTests(DemoLakeFixture lake) : IDisposable
{
    private static readonly DateTimeOffset _now = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
    // Packs of an empty week render fastest; delivery semantics do not depend on the figures.
    private const string EmptyWeek = "2025-W10";
    private readonly string _work = Directory.CreateTempSubdirectory("riskops-delivery-").FullName;

    [Fact]
    public async Task DeliverAsync_SmtpUp_SendsOnceWithByteIdenticalPdfAndLogsEveryAttempt()
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var (job, archive) = CreateJob(port, "ops");
        var subscription = Subscription("ops");

        var first = await job.DeliverAsync(subscription, ReportPeriod.Parse(DemoLakeFixture.Week), CancellationToken.None);
        var second = await job.DeliverAsync(subscription, ReportPeriod.Parse(DemoLakeFixture.Week), CancellationToken.None);

        Assert.Equal("sent", first.Outcome);
        Assert.Equal("skipped_already_sent", second.Outcome);
        var message = Assert.Single(smtp.WaitFor(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(["lead@example.test", "qa@example.test"], message.To.Mailboxes.Select(m => m.Address).ToArray());
        Assert.Contains("Weekly calibration pack — 2026-W47", message.Subject);
        Assert.Contains("What changed", message.HtmlBody);
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal($"riskops-pack-{DemoLakeFixture.Week}-all.pdf", attachment.FileName);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        using var archived = archive.OpenRead(first.ArchiveId!) ?? throw new InvalidOperationException("archived pack missing");
        using var archivedBytes = new MemoryStream();
        archived.CopyTo(archivedBytes);
        Assert.Equal(archivedBytes.ToArray(), content.ToArray());
        Assert.True(File.Exists(archive.SentMarker("ops", DemoLakeFixture.Week)));
        Assert.Equal(["sent", "skipped_already_sent"], archive.Deliveries().Select(d => d.Outcome).ToArray());
        Assert.Contains(archive.List(), r => r.Id == first.ArchiveId && r.Sent);
    }

    [Fact]
    public async Task DeliverAsync_ServerDownThenUp_ThrowsForRetryThenArrivesExactlyOnce()
    {
        var port = SmtpCatcher.FreePort();
        var (job, archive) = CreateJob(port, "retry");
        var subscription = Subscription("retry");
        var period = ReportPeriod.Parse(EmptyWeek);

        await Assert.ThrowsAnyAsync<Exception>(() => job.DeliverAsync(subscription, period, CancellationToken.None));
        Assert.False(File.Exists(archive.SentMarker("retry", EmptyWeek)));
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var retried = await job.DeliverAsync(subscription, period, CancellationToken.None);
        var again = await job.DeliverAsync(subscription, period, CancellationToken.None);

        Assert.Equal("sent", retried.Outcome);
        Assert.Equal("skipped_already_sent", again.Outcome);
        Assert.Single(smtp.WaitFor(2, TimeSpan.FromSeconds(3)));
        var log = archive.Deliveries();
        Assert.Equal(["failed", "sent", "skipped_already_sent"], log.Select(d => d.Outcome).ToArray());
        Assert.NotNull(log[0].Error);
    }

    [Fact]
    public async Task DeliverAsync_TwoWorkersRace_SendsOnce()
    {
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_work, "mail"));
        var (first, archive) = CreateJob(port, "race");
        var (second, _) = CreateJob(port, "race");
        var subscription = Subscription("race");
        var period = ReportPeriod.Parse(EmptyWeek);

        var outcomes = await Task.WhenAll(
            Task.Run(() => first.DeliverAsync(subscription, period, CancellationToken.None)),
            Task.Run(() => second.DeliverAsync(subscription, period, CancellationToken.None)));

        Assert.Single(outcomes, o => o.Outcome == "sent");
        Assert.Single(outcomes, o => o.Outcome is "skipped_in_progress" or "skipped_already_sent");
        Assert.Single(smtp.WaitFor(2, TimeSpan.FromSeconds(3)));
        Assert.Equal(2, archive.Deliveries().Count);
    }

    [Fact]
    public async Task DeliverAsync_NoSmtpHost_ArchivesWithoutSending()
    {
        var (job, archive) = CreateJob(port: null, "archive-only");

        var record = await job.DeliverAsync(Subscription("archive-only"), ReportPeriod.Parse(EmptyWeek), CancellationToken.None);

        Assert.Equal("archived", record.Outcome);
        Assert.Contains(archive.List(), r => r.Id == record.ArchiveId && !r.Sent);
        Assert.False(File.Exists(archive.SentMarker("archive-only", EmptyWeek)));
    }

    [Fact]
    public async Task DeliverAsync_EmptyWeekWithSkipIfEmpty_SkipsAndLogs()
    {
        var (job, archive) = CreateJob(port: null, "skip");
        var subscription = Subscription("skip");
        subscription.SkipIfEmpty = true;

        var record = await job.DeliverAsync(subscription, ReportPeriod.Parse(EmptyWeek), CancellationToken.None);

        Assert.Equal("skipped_empty", record.Outcome);
        Assert.Empty(archive.List());
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    internal static ReportSubscription Subscription(string name) => new()
    {
        Name = name,
        Recipients = ["lead@example.test", "qa@example.test"],
    };

    private (ReportDeliveryJob Job, ReportArchive Archive) CreateJob(int? port, string subscription)
    {
        // The lake is shared; each test gets its own archive folder.
        var archive = new ReportArchive(lake.Lake, Path.Combine(_work, "archive"));
        var time = new FakeTimeProvider(_now);
        var smtp = new SmtpOptions { Host = port is null ? null : "127.0.0.1", Port = port ?? 25, Security = SmtpSecurity.None, From = "riskops@example.test" };
        var reports = new ReportsOptions { Subscriptions = [Subscription(subscription)] };
        var job = new ReportDeliveryJob(archive, new PackRenderer(time), new StaticOptions<ReportsOptions>(reports), new StaticOptions<SmtpOptions>(smtp), time, NullLogger<ReportDeliveryJob>.Instance);
        return (job, archive);
    }
}

/// <summary>A fixed options value (the job reads <see cref="IOptionsMonitor{T}.CurrentValue"/>).</summary>
internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
