using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace RiskOps.Reports.Delivery;

/// <summary>One email: a pack as an attachment with its summary as the body.</summary>
/// <param name="Recipients">To addresses.</param>
/// <param name="Subject">Subject line.</param>
/// <param name="Html">HTML body (the summary).</param>
/// <param name="Text">Plain-text alternative.</param>
/// <param name="Attachment">The PDF bytes, attached unchanged.</param>
/// <param name="AttachmentName">File name of the attachment.</param>
public sealed record ReportEmail(IReadOnlyList<string> Recipients, string Subject, string Html, string Text, byte[] Attachment, string AttachmentName);

/// <summary>The SMTP connection is not secure enough to send the configured credentials; nothing was sent.</summary>
public sealed class SmtpSecurityException(string message) : Exception(message);

/// <summary>Sends packs over SMTP with MailKit. Failures surface as exceptions so the caller (a Hangfire job) retries.</summary>
public static class ReportMailer
{
    /// <summary>Sends the email; returns the Message-Id.</summary>
    /// <exception cref="SmtpSecurityException">Smtp:User is set and the connection has no TLS (and Smtp:Security is not None).</exception>
    public static async Task<string> SendAsync(SmtpOptions smtp, ReportEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(email);
        if (!smtp.IsConfigured)
        {
            throw new InvalidOperationException("Smtp:Host is not configured");
        }

        if (email.Recipients.Count == 0)
        {
            throw new InvalidOperationException("the email has no recipient");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var recipient in email.Recipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = email.Subject;
        var body = new BodyBuilder { HtmlBody = email.Html, TextBody = email.Text };
        if (email.Attachment.Length > 0)
        {
            // An alert email carries no attachment.
            body.Attachments.Add(email.AttachmentName, email.Attachment, new ContentType("application", "pdf"));
        }
        message.Body = body.ToMessageBody();
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();

        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        await client.ConnectAsync(smtp.Host!, smtp.Port, Map(smtp.Security), cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User))
        {
            // Contract v2 §4: credentials never cross in clear. A server (or a man in the middle stripping STARTTLS) that
            // offers no TLS gets no password unless Smtp:Security=None says plain text is meant.
            if (!client.IsSecure && smtp.Security != SmtpSecurity.None)
            {
                await client.DisconnectAsync(quit: true, cancellationToken);
                throw new SmtpSecurityException(
                    $"SMTP server {smtp.Host}:{smtp.Port} offered no TLS and Smtp:User is set: the password is not sent in clear "
                    + "(use a server with STARTTLS or SMTPS, or set Smtp:Security=None to allow plain-text authentication explicitly)");
            }

            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return message.MessageId;
    }

    /// <summary>Maps the configured security to MailKit's options.</summary>
    public static SecureSocketOptions Map(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Auto => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "unknown Smtp:Security"),
    };
}
