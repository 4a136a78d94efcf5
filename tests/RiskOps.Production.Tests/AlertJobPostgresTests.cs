using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RiskOps.Production.Tests.Support;
using RiskOps.Reports.Alerts;
using RiskOps.Sql;
using RiskOps.Web.Jobs;

namespace RiskOps.Production.Tests;

/// <summary>
/// The alert job in production mode: a worker host on PostgreSQL-backed Hangfire runs the recurring <c>alerts</c> job,
/// which delivers to a real SMTP server (aiosmtpd) and a local HTTP receiver — one message when the breach opens, none
/// while it stays open, one when it clears.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AlertJobPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AlertJob_OnPostgresHangfire_FiresOnceAndResolvesOverSmtpAndWebhook()
    {
        var hangfire = await postgres.CreateDatabaseAsync("hf_alerts");
        using var lake = new TestLake("alerts");
        await TestPipelines.IngestAsync(lake.Lake, lake.WriteDecisionFiles(1, 40));
        var smtpPort = FreePort();
        using var smtp = Smtp.Start(smtpPort, Path.Combine(lake.Root, "mail"));
        using var receiver = new Receiver();
        // A landed batch without a published rollup: the figures include no data, so the freshness rule breaches.
        new AlertStore(lake.Lake).WriteRules([new AlertRule { Id = "freshness", Kind = AlertKinds.DataFreshness, MaxAgeMinutes = 60 }]);
        string[] args =
        [
            $"--ConnectionStrings:Hangfire={hangfire}",
            $"--Lake:HashKey={WorkerProcess.HashKey}",
            "--Jobs:QueuePollInterval=00:00:00.250",
            "--Jobs:SchedulePollingInterval=00:00:01",
            "--Jobs:RollupCron=",
            "--Jobs:LandingScanCron=",
            "--Alerts:Cron=0 0 1 1 *",
            "--Alerts:Recipients:0=ops@example.test",
            $"--Alerts:Webhooks:0={receiver.Url}",
            "--Smtp:Host=127.0.0.1",
            $"--Smtp:Port={smtpPort}",
            "--Smtp:Security=None",
            "--Smtp:From=riskops@example.test",
        ];

        using (var host = WorkerHost.Build(lake.Lake, args))
        {
            await host.StartAsync();
            try
            {
                var manager = host.Services.GetRequiredService<IRecurringJobManager>();
                var storage = host.Services.GetRequiredService<JobStorage>();

                manager.Trigger(AlertJob.RecurringJobId);
                var fired = smtp.WaitFor(1, TimeSpan.FromSeconds(60));
                Assert.True(fired.Count == 1, Diagnostics(storage, lake.Lake));
                Assert.Contains("freshness", fired[0].Subject, StringComparison.Ordinal);
                Assert.Equal(["ops@example.test"], fired[0].To.Mailboxes.Select(m => m.Address));
                Assert.True(receiver.WaitFor(1, TimeSpan.FromSeconds(10)), "no webhook POST");

                // Still breached: the second run sends nothing.
                manager.Trigger(AlertJob.RecurringJobId);
                await WaitSucceededAsync(storage, 2);
                Assert.Single(smtp.Messages());

                // A published rollup brings the data through to now: the breach clears.
                using (var warehouse = Warehouse.Open(lake.Lake))
                {
                    warehouse.Fold(DateTimeOffset.UtcNow);
                }

                manager.Trigger(AlertJob.RecurringJobId);
                var all = smtp.WaitFor(2, TimeSpan.FromSeconds(60));
                Assert.True(all.Count == 2, Diagnostics(storage, lake.Lake));
                Assert.True(receiver.WaitFor(2, TimeSpan.FromSeconds(10)), "no resolved webhook POST");
                await WaitSucceededAsync(storage, 3);

                var bodies = receiver.Bodies().Select(b => JsonDocument.Parse(b).RootElement).ToList();
                Assert.Equal(["fired", "resolved"], bodies.Select(b => b.GetProperty("alert").GetProperty("status").GetString()));
                Assert.All(bodies, b => Assert.False(string.IsNullOrEmpty(b.GetProperty("text").GetString())));
                Assert.Equal(bodies[0].GetProperty("alert").GetProperty("breach_id").GetString(), bodies[1].GetProperty("alert").GetProperty("breach_id").GetString());

                var history = new AlertStore(lake.Lake).History().Select(h => (h.Event, h.Channel)).ToList();
                Assert.Equal(2, history.Count(h => h == ("delivered", "email")));
                Assert.Equal(2, history.Count(h => h == ("delivered", "webhook")));
                Assert.Equal([("fired", (string?)null), ("resolved", null)], history.Where(h => h.Event is "fired" or "resolved"));

                // Each run was an AlertJob that Hangfire on PostgreSQL ran to success on this worker.
                var succeeded = storage.GetMonitoringApi().SucceededJobs(0, 10);
                Assert.Equal(3, succeeded.Count(j => j.Value.Job?.Type == typeof(AlertJob)));
            }
            finally
            {
                await host.StopAsync();
            }
        }

        HangfireGlobals.ResetLogProvider();
    }

    private static async Task WaitSucceededAsync(JobStorage storage, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (storage.GetMonitoringApi().SucceededJobs(0, 20).Count(j => j.Value.Job?.Type == typeof(AlertJob)) < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"fewer than {count} alert jobs succeeded");
            await Task.Delay(200);
        }
    }

    private static string Diagnostics(JobStorage storage, string lake)
    {
        var api = storage.GetMonitoringApi();
        var failed = api.FailedJobs(0, 5).Select(j => $"{j.Value.Job?.Type.Name}: {j.Value.ExceptionMessage}");
        var history = new AlertStore(lake).History().Select(h => $"{h.Event} {h.Channel} {h.Error}");
        return $"failed: {string.Join(" | ", failed)}; succeeded {api.SucceededListCount()}; history: {string.Join(" | ", history)}";
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Debian's aiosmtpd writing every message into a maildir.</summary>
    private sealed class Smtp : IDisposable
    {
        private readonly Process _process;
        private readonly string _maildir;

        private Smtp(Process process, string maildir) => (_process, _maildir) = (process, maildir);

        public static Smtp Start(int port, string maildir)
        {
            var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
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
                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, port);
                    return new Smtp(process, maildir);
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }

            process.Kill(entireProcessTree: true);
            throw new TimeoutException("aiosmtpd did not listen within 20 s");
        }

        public IReadOnlyList<MimeKit.MimeMessage> Messages()
        {
            var folder = Path.Combine(_maildir, "new");
            return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => MimeKit.MimeMessage.Load(f)).ToList() : [];
        }

        public IReadOnlyList<MimeKit.MimeMessage> WaitFor(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (Messages().Count < count && deadline.Elapsed < timeout)
            {
                Thread.Sleep(200);
            }

            return Messages();
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

    /// <summary>A local HTTP receiver recording every POST body.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<string> _bodies = [];

        public Receiver()
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/hooks/alerts";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public IReadOnlyList<string> Bodies()
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }

        public bool WaitFor(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (Bodies().Count < count && deadline.Elapsed < timeout)
            {
                Thread.Sleep(100);
            }

            return Bodies().Count >= count;
        }

        public void Dispose() => _listener.Close();

        private async Task LoopAsync()
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (_bodies)
                {
                    _bodies.Add(body);
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
    }
}
