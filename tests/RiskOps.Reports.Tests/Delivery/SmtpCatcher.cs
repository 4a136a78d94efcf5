using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace RiskOps.Reports.Tests.Delivery;

/// <summary>A real SMTP server: Debian's aiosmtpd writing every message into a maildir. Dispose stops it.</summary>
internal sealed class SmtpCatcher : IDisposable
{
    private readonly Process _process;

    private SmtpCatcher(Process process, int port, string maildir)
    {
        _process = process;
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts aiosmtpd on <paramref name="port"/> and waits until it accepts connections.</summary>
    public static SmtpCatcher Start(int port, string maildir)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited with {process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new SmtpCatcher(process, port, maildir);
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("aiosmtpd did not listen within 20 s");
    }

    /// <summary>Messages received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : [];
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    public IReadOnlyList<MimeMessage> WaitFor(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || deadline.Elapsed > timeout)
            {
                return messages;
            }

            Thread.Sleep(200);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
