using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Jobs;

/// <summary>
/// Renders a subscription's pack for the last complete UTC ISO week, archives it and emails it — once per subscription
/// and week. The claim is a <c>sent.marker</c> created with <see cref="FileMode.CreateNew"/> right after the SMTP server
/// accepted the message; a lock file (an OS lock, released if the process dies) keeps two workers from sending at the
/// same time. Delivery is at-least-once: a crash between the server's acceptance and the marker write makes the
/// retry send again; every other failure path (retries, races, re-runs) sends exactly once.
/// </summary>
public sealed class ReportDeliveryJob(
    ReportArchive archive,
    PackRenderer renderer,
    IOptionsMonitor<ReportsOptions> reports,
    IOptionsMonitor<SmtpOptions> smtp,
    TimeProvider time,
    ILogger<ReportDeliveryJob> logger)
{
    /// <summary>Retries after a failed send (SMTP down, timeouts), with growing delays up to an hour.</summary>
    public const int RetryAttempts = 10;

    /// <summary>The recurring job id of a subscription.</summary>
    public static string JobId(string subscription) => "report:" + subscription;

    /// <summary>The Hangfire entry point: delivers the named subscription's pack for the last complete week.</summary>
    [AutomaticRetry(Attempts = RetryAttempts, DelaysInSeconds = [30, 60, 120, 300, 600, 900, 1800, 3600, 3600, 3600])]
    public Task<DeliveryRecord> RunAsync(string subscription, CancellationToken cancellationToken)
    {
        var found = reports.CurrentValue.Subscriptions.FirstOrDefault(s => s.Name == subscription)
            ?? throw new InvalidOperationException($"no report subscription named '{subscription}' in Reports:Subscriptions");
        return DeliverAsync(found, ReportPeriod.LastCompleteBefore(time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Delivers one subscription's pack for one week (throws when sending fails, so Hangfire retries).</summary>
    public async Task<DeliveryRecord> DeliverAsync(ReportSubscription subscription, ReportPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(period);
        var week = period.Week;
        var recipients = subscription.Recipients.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).ToList();
        DeliveryRecord Record(string outcome, string? error = null, string? id = null, string? sha = null, string? messageId = null) =>
            new(time.GetUtcNow(), subscription.Name, week, recipients, outcome, error, id, sha, messageId);

        var folder = archive.Folder(subscription.Name, week);
        Directory.CreateDirectory(folder);
        if (File.Exists(archive.SentMarker(subscription.Name, week)))
        {
            return Done(Record("skipped_already_sent"));
        }

        FileStream sendLock;
        try
        {
            sendLock = new FileStream(Path.Combine(folder, "send.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            // Another worker is sending this very pack; its own retries cover its failure.
            return Done(Record("skipped_in_progress"));
        }

        using (sendLock)
        {
            if (File.Exists(archive.SentMarker(subscription.Name, week)))
            {
                return Done(Record("skipped_already_sent"));
            }

            var fileName = ReportArchive.PackFileName(subscription.Name, week);
            var settings = smtp.CurrentValue;
            var sending = settings.IsConfigured && recipients.Count > 0;

            // A retry after a failed send mails the pack the failed attempt archived, so what was archived is what is sent
            // and a retry does not re-query the warehouse.
            var pending = sending ? archive.ReadPending(subscription.Name, week, fileName) : null;
            string id;
            if (pending is null)
            {
                var request = new PackRequest(
                    period,
                    new MetricFilters { CaseTypes = subscription.CaseTypes, Vendors = subscription.Vendors },
                    time.GetUtcNow(),
                    subscription.Name);
                var pack = renderer.Render(archive.LakeRoot, request);
                if (pack.Data.IsEmpty && subscription.SkipIfEmpty)
                {
                    return Done(Record("skipped_empty"));
                }

                id = archive.Write(subscription.Name, week, fileName, pack.Pdf);
                pending = new PendingPack(pack.Pdf, CalibrationPack.Title(pack.Data), pack.SummaryHtml, pack.SummaryText);
                if (sending)
                {
                    archive.WritePending(subscription.Name, week, pending);
                }
            }
            else
            {
                id = $"{subscription.Name}/{week}/{fileName}";
            }

            var sha = Convert.ToHexStringLower(SHA256.HashData(pending.Pdf));
            if (!sending)
            {
                return Done(Record("archived", id: id, sha: sha));
            }

            string messageId;
            try
            {
                messageId = await ReportMailer.SendAsync(
                    settings,
                    new ReportEmail(recipients, $"{pending.Title} — {subscription.Name}", pending.SummaryHtml, pending.SummaryText, pending.Pdf,
                        CalibrationPack.FileName(period, new MetricFilters { CaseTypes = subscription.CaseTypes, Vendors = subscription.Vendors })),
                    cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Done(Record("failed", ex.GetType().Name + ": " + ex.Message, id, sha));
                throw;
            }

            WriteMarker(subscription.Name, week, new { sent_at = time.GetUtcNow(), recipients, sha256 = sha, message_id = messageId, archive_id = id });
            archive.DeletePending(subscription.Name, week);
            return Done(Record("sent", id: id, sha: sha, messageId: messageId));
        }
    }

    private void WriteMarker(string subscription, string week, object content)
    {
        try
        {
            using var stream = new FileStream(archive.SentMarker(subscription, week), FileMode.CreateNew, FileAccess.Write, FileShare.None);
            JsonSerializer.Serialize(stream, content);
        }
        catch (IOException) when (File.Exists(archive.SentMarker(subscription, week)))
        {
            // Only reachable if a marker appeared despite the lock (e.g. a worker on another host without shared locks): the pack is sent either way.
        }
    }

    private DeliveryRecord Done(DeliveryRecord record)
    {
        archive.Log(record);
        logger.LogInformation(
            "Report {Subscription} {Week}: {Outcome} {Error}", record.Subscription, record.Week, record.Outcome, record.Error);
        return record;
    }
}
