namespace RiskOps.Reports.Delivery;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>
    /// STARTTLS when the server offers it, else plain (MailKit <c>StartTlsWhenAvailable</c>) — but with <see cref="SmtpOptions.User"/>
    /// set, a connection without TLS is refused before the password is sent (a stripped STARTTLS cannot expose it).
    /// </summary>
    Auto,

    /// <summary>STARTTLS required; fails when the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS (local catchers and tests only); the one setting that allows credentials in clear, explicitly.</summary>
    None,
}

/// <summary>SMTP settings, bound from the <c>Smtp</c> section only (environment <c>Smtp__Host</c> etc.); never in the repository.</summary>
public sealed class SmtpOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Smtp";

    /// <summary>SMTP host. When empty, packs are archived but not emailed.</summary>
    /// <value>Default: empty (no email).</value>
    public string? Host { get; set; }

    /// <summary>SMTP port.</summary>
    /// <value>Default: 587 (465 is usual with <see cref="SmtpSecurity.SslOnConnect"/>).</value>
    public int Port { get; set; } = 587;

    /// <summary>Sender address.</summary>
    /// <value>Default: <c>riskops@localhost</c>.</value>
    public string From { get; set; } = "riskops@localhost";

    /// <summary>User name; when empty the client does not authenticate.</summary>
    /// <value>Default: empty.</value>
    public string? User { get; set; }

    /// <summary>Password (from the environment or a secret store only).</summary>
    /// <value>Default: empty.</value>
    public string? Password { get; set; }

    /// <summary>Transport security.</summary>
    /// <value>Default: <see cref="SmtpSecurity.Auto"/> (TLS when the server offers it; required when <see cref="User"/> is set).</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>Connect/command timeout in seconds.</summary>
    /// <value>Default: 60.</value>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>True when a host is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
