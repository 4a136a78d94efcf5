using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RiskOps.Reports.Delivery;

namespace RiskOps.Reports.Alerts;

/// <summary>Sends alert messages: email through the reports' SMTP settings (MailKit), webhooks as Slack-compatible JSON.</summary>
public sealed class AlertDelivery(HttpClient http)
{
    /// <summary>The webhook body: Slack's <c>text</c>, plus the structured <c>alert</c> object (docs/operations.md).</summary>
    public static object WebhookBody(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new
        {
            text = Text(message),
            alert = new
            {
                message_id = message.MessageId,
                breach_id = message.BreachId,
                rule_id = message.RuleId,
                kind = message.Kind,
                subject = message.Subject,
                status = message.Status,
                summary = message.Summary,
                value = message.Value,
                limit = message.Limit,
                at = message.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            },
        };
    }

    /// <summary>The one-line text of a message (Slack's <c>text</c>, the email's subject).</summary>
    public static string Text(AlertMessage message) =>
        message.Status == "resolved"
            ? $"RESOLVED [{message.RuleId}] {message.Subject}: cleared at {message.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC (was: {message.Summary})"
            : $"ALERT [{message.RuleId}] {message.Subject}: {message.Summary}";

    /// <summary>POSTs the message; throws on a non-success status or a network failure.</summary>
    public async Task PostAsync(string url, AlertMessage message, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(url, WebhookBody(message), new JsonSerializerOptions(), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"webhook answered {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    /// <summary>Emails the message to <paramref name="recipients"/>; returns the Message-Id.</summary>
    public static Task<string> EmailAsync(SmtpOptions smtp, IReadOnlyList<string> recipients, AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = Text(message) + "\n\nRule: " + message.RuleId + " (" + message.Kind + ")\nSubject: " + message.Subject
            + "\nBreach: " + message.BreachId + "\nStatus: " + message.Status + "\nAt: "
            + message.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC\n";
        var html = "<p>" + System.Net.WebUtility.HtmlEncode(Text(message)) + "</p><pre>" + System.Net.WebUtility.HtmlEncode(text) + "</pre>";
        return ReportMailer.SendAsync(smtp, new ReportEmail(recipients, Text(message), html, text, [], ""), cancellationToken);
    }
}
