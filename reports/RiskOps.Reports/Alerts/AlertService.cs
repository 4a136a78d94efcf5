using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Reports.Delivery;

namespace RiskOps.Reports.Alerts;

/// <summary>What one evaluation run did.</summary>
public sealed record AlertRunResult(int RulesEvaluated, int Fired, int Resolved, int Delivered, int DeliveryFailures, int OpenBreaches);

/// <summary>
/// Evaluates the rules, keeps one open breach per rule and subject (dedupe), queues a <c>fired</c> message when a breach
/// opens and a <c>resolved</c> message when it clears, and delivers the queue by email and webhook. The state is saved
/// before delivery, so a crash never sends a message twice nor forgets one; a failed delivery stays queued and is retried
/// by a later run. Logs name rules, subjects and channels, never a record.
/// </summary>
public sealed class AlertService(
    AlertStore store,
    IOptionsMonitor<AlertsOptions> options,
    IOptionsMonitor<SmtpOptions> smtp,
    AlertDelivery delivery,
    Func<IAlertFigures> figures,
    ILogger<AlertService> logger)
{
    /// <summary>The rules in force: those an admin saved (<c>_alerts/rules.json</c>), else configuration's.</summary>
    public IReadOnlyList<AlertRule> Rules() => store.ReadRules() ?? options.CurrentValue.Rules;

    /// <summary>Whether the rules in force come from the saved file.</summary>
    public bool RulesFromFile => File.Exists(store.RulesPath);

    /// <summary>One run at <paramref name="now"/>.</summary>
    public async Task<AlertRunResult> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rules = Rules();
        var errors = AlertRuleValidator.Validate(rules, RulesFromFile ? store.RulesPath : "Alerts:Rules");
        if (errors.Count > 0)
        {
            // Saved rules are validated before they are written; a file edited by hand may still be broken.
            logger.LogError("Alert rules are invalid, nothing evaluated: {Errors}", string.Join("; ", errors));
            store.Append([new AlertHistoryEntry(now, "evaluation_failed", "*", Error: string.Join("; ", errors))]);
            return new AlertRunResult(0, 0, 0, 0, 0, store.ReadState().Open.Count);
        }

        var state = store.ReadState();
        var history = new List<AlertHistoryEntry>();
        int evaluated = 0, fired = 0, resolved = 0;
        var active = rules.Where(r => r.Enabled).ToDictionary(r => r.Id, StringComparer.Ordinal);
        using (var source = figures())
        {
            foreach (var rule in active.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IReadOnlyList<AlertBreach> breaches;
                try
                {
                    breaches = AlertEvaluator.Evaluate(rule, source, now);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Its open breaches stay open: an unreadable lake is no all-clear.
                    logger.LogError("Alert rule {Rule} could not be evaluated: {Error}", rule.Id, ex.GetType().Name);
                    history.Add(new AlertHistoryEntry(now, "evaluation_failed", rule.Id, Error: ex.GetType().Name));
                    continue;
                }

                evaluated++;
                var open = state.Open.Where(b => b.RuleId == rule.Id).ToList();
                foreach (var breach in breaches.Where(b => open.All(o => o.Subject != b.Subject)))
                {
                    var id = string.Create(CultureInfo.InvariantCulture, $"{rule.Id}:{breach.Subject}:{now.UtcDateTime:yyyyMMddTHHmmssZ}");
                    state.Open.Add(new OpenBreach(id, rule.Id, rule.Kind, breach.Subject, breach.Summary, now));
                    Queue(state, rule, new AlertMessage(id + ":fired", id, rule.Id, rule.Kind, breach.Subject, "fired", breach.Summary, breach.Value, breach.Limit, now), now);
                    history.Add(new AlertHistoryEntry(now, "fired", rule.Id, breach.Subject, id, breach.Summary));
                    fired++;
                }

                foreach (var cleared in open.Where(o => breaches.All(b => b.Subject != o.Subject)))
                {
                    resolved += Resolve(state, rule, cleared, now, history);
                }
            }
        }

        // A rule removed or disabled clears its breaches.
        foreach (var orphan in state.Open.Where(b => !active.ContainsKey(b.RuleId)).ToList())
        {
            resolved += Resolve(state, null, orphan, now, history);
        }

        store.WriteState(state);
        store.Append(history);
        var (delivered, failures) = await DeliverAsync(state, now, cancellationToken);
        return new AlertRunResult(evaluated, fired, resolved, delivered, failures, state.Open.Count);
    }

    private int Resolve(AlertState state, AlertRule? rule, OpenBreach breach, DateTimeOffset now, List<AlertHistoryEntry> history)
    {
        state.Open.Remove(breach);
        Queue(state, rule, new AlertMessage(breach.BreachId + ":resolved", breach.BreachId, breach.RuleId, breach.Kind, breach.Subject, "resolved", breach.Summary, null, null, now), now);
        history.Add(new AlertHistoryEntry(now, "resolved", breach.RuleId, breach.Subject, breach.BreachId, breach.Summary));
        return 1;
    }

    private void Queue(AlertState state, AlertRule? rule, AlertMessage message, DateTimeOffset now)
    {
        var config = options.CurrentValue;
        var recipients = config.Recipients.Concat(rule?.Recipients ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (smtp.CurrentValue.IsConfigured && recipients.Count > 0)
        {
            state.Outbox.Add(new PendingDelivery(message, "email", string.Join(",", recipients), 0, now));
        }

        foreach (var url in config.Webhooks)
        {
            state.Outbox.Add(new PendingDelivery(message, "webhook", url, 0, now));
        }
    }

    private async Task<(int Delivered, int Failures)> DeliverAsync(AlertState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int delivered = 0, failures = 0;
        var retry = TimeSpan.FromMinutes(options.CurrentValue.RetryMinutes);
        foreach (var item in state.Outbox.Where(d => d.NextAttemptAt <= now).ToList())
        {
            var attempt = item.Attempts + 1;
            try
            {
                if (item.Channel == "email")
                {
                    await AlertDelivery.EmailAsync(smtp.CurrentValue, item.Target.Split(','), item.Message, cancellationToken);
                }
                else
                {
                    await delivery.PostAsync(item.Target, item.Message, cancellationToken);
                }

                state.Outbox.Remove(item);
                store.Append([new AlertHistoryEntry(now, "delivered", item.Message.RuleId, item.Message.Subject, item.Message.BreachId,
                    Channel: item.Channel, Target: Display(item), Attempt: attempt)]);
                delivered++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Kept in the outbox with a growing wait (retry, 2×, 4×, at most 8×). Only the error's kind is logged:
                // neither the message nor the receiver's answer body.
                var wait = retry * Math.Min(8, 1 << Math.Min(attempt - 1, 3));
                state.Outbox[state.Outbox.IndexOf(item)] = item with { Attempts = attempt, NextAttemptAt = now + wait };
                var error = ex is HttpRequestException { StatusCode: { } code } ? $"HTTP {(int)code}" : ex.GetType().Name;
                logger.LogWarning("Alert delivery failed ({Channel} {Target}, rule {Rule}, attempt {Attempt}): {Error}; retried after {Wait}",
                    item.Channel, Display(item), item.Message.RuleId, attempt, error, now + wait);
                store.Append([new AlertHistoryEntry(now, "delivery_failed", item.Message.RuleId, item.Message.Subject, item.Message.BreachId,
                    Channel: item.Channel, Target: Display(item), Attempt: attempt, Error: error)]);
                failures++;
            }

            store.WriteState(state);
        }

        return (delivered, failures);
    }

    /// <summary>A webhook's host only (its path may hold a secret token); email recipients as they are.</summary>
    private static string Display(PendingDelivery item) =>
        item.Channel == "webhook" && Uri.TryCreate(item.Target, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : item.Target;
}
