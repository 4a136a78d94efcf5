using Microsoft.Extensions.Configuration;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Reports.Alerts;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Tests.Delivery;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Alerts;

/// <summary>The alert service against a real SMTP server (aiosmtpd) and a real local HTTP receiver (HttpListener).</summary>
public sealed class AlertServiceTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "alerts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_EachRuleBreached_OneEmailAndOneWebhookPerRuleThenResolved()
    {
        Directory.CreateDirectory(_lake);
        var port = SmtpCatcher.FreePort();
        using var smtp = SmtpCatcher.Start(port, Path.Combine(_lake, "maildir"));
        using var receiver = new Receiver();
        var figures = new Figures();
        var service = Service(figures, port, receiver.Url);

        var first = await service.RunAsync(Now, CancellationToken.None);
        var again = await service.RunAsync(Now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(5, first.Fired);
        Assert.Equal(0, again.Fired);
        Assert.Equal(5, smtp.Messages().Count);
        Assert.Equal(5, receiver.Bodies.Count);
        var kinds = receiver.Bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("alert").GetProperty("kind").GetString()).Order().ToList();
        Assert.Equal(AlertKinds.All.Order(), kinds);
        Assert.All(receiver.Bodies, b => Assert.StartsWith("ALERT [", JsonDocument.Parse(b).RootElement.GetProperty("text").GetString(), StringComparison.Ordinal));

        figures.Healthy = true;
        var cleared = await service.RunAsync(Now.AddMinutes(10), CancellationToken.None);

        Assert.Equal(5, cleared.Resolved);
        Assert.Equal(0, cleared.OpenBreaches);
        Assert.Equal(10, receiver.Bodies.Count);
        Assert.Equal(5, receiver.Bodies.Skip(5).Count(b => JsonDocument.Parse(b).RootElement.GetProperty("alert").GetProperty("status").GetString() == "resolved"));
        Assert.Equal(10, smtp.Messages().Count);
        Assert.Contains(smtp.Messages(), m => (m.Subject ?? "").StartsWith("RESOLVED [precision-drop] RESET_2FA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_StateSurvivesANewService_NoSecondMessage()
    {
        using var receiver = new Receiver();
        var figures = new Figures();
        await Service(figures, null, receiver.Url).RunAsync(Now, CancellationToken.None);
        var restarted = await Service(figures, null, receiver.Url).RunAsync(Now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(0, restarted.Fired);
        Assert.Equal(5, receiver.Bodies.Count);
    }

    [Fact]
    public async Task RunAsync_WebhookDown_RetriedLaterWithoutCrash()
    {
        using var receiver = new Receiver { Status = HttpStatusCode.ServiceUnavailable };
        var figures = new Figures();
        var service = Service(figures, null, receiver.Url);

        var down = await service.RunAsync(Now, CancellationToken.None);
        receiver.Status = HttpStatusCode.OK;
        var tooEarly = await service.RunAsync(Now.AddMinutes(1), CancellationToken.None);
        var later = await service.RunAsync(Now.AddMinutes(6), CancellationToken.None);

        Assert.Equal(5, down.DeliveryFailures);
        Assert.Equal(0, tooEarly.Delivered);
        Assert.Equal(5, later.Delivered);
        var history = new AlertStore(_lake).History();
        var failed = history.Where(h => h.Event == "delivery_failed").ToList();
        Assert.Equal(5, failed.Count);
        Assert.All(failed, h => Assert.Equal("HTTP 503", h.Error));
        Assert.All(failed, h => Assert.DoesNotContain("/hook", h.Target, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BrokenRules_OneClearLineEach()
    {
        var errors = AlertRuleValidator.Validate(new AlertsOptions
        {
            Webhooks = ["ftp://x"],
            Rules =
            [
                new AlertRule { Id = "a", Kind = "nope" },
                new AlertRule { Id = "a", Kind = AlertKinds.KpiBelowTarget, Kpi = "precisionn" },
                new AlertRule { Id = "bad id!", Kind = AlertKinds.SlaBreaches },
                new AlertRule { Id = "q", Kind = AlertKinds.QuarantineShare, MaxPercent = 120 },
                new AlertRule { Id = "f", Kind = AlertKinds.DataFreshness },
                new AlertRule { Id = "e", Kind = AlertKinds.KpiBelowTarget, Kpi = "ece" },
            ],
        });

        Assert.Contains("Alerts:Rules:0:Kind 'nope' is not one of kpi_below_target, sla_breaches, quarantine_share, data_freshness, experiment_rollback", errors);
        Assert.Contains(errors, e => e.StartsWith("Alerts:Rules:1:Id 'a' is used by another rule", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts:Rules:1:Kpi 'precisionn' is not a KPI of the catalogue", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Alerts:Rules:2:Id 'bad id!'", StringComparison.Ordinal));
        Assert.Contains("Alerts:Rules:2:MaxBreaches is required for sla_breaches (0 or more)", errors);
        Assert.Contains("Alerts:Rules:3:MaxPercent is required for quarantine_share (0 to below 100)", errors);
        Assert.Contains("Alerts:Rules:4:MaxAgeMinutes is required for data_freshness (1 or more)", errors);
        Assert.Contains("Alerts:Rules:5:Kpi 'ece' has no catalogue target: set Target", errors);
        Assert.Contains("Alerts:Webhooks 'ftp://x' is not an absolute http or https URL", errors);
    }

    [Fact]
    public void Start_BrokenRuleConfig_FailsWithTheRuleNamed()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Rules:0:Id"] = "sla",
            ["Alerts:Rules:0:Kind"] = "sla_breaches",
        }).Build();
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(services, config);
        services.AddAlerts();
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);

        var ex = Assert.Throws<OptionsValidationException>(() => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IOptions<AlertsOptions>>(provider).Value);
        Assert.Contains("Alerts:Rules:0:MaxBreaches is required for sla_breaches", ex.Message, StringComparison.Ordinal);
    }

    private AlertService Service(Figures figures, int? smtpPort, string webhook)
    {
        var options = new AlertsOptions
        {
            Recipients = ["ops@example.test"],
            Webhooks = [webhook],
            RetryMinutes = 5,
            Rules =
            [
                new AlertRule { Id = "precision-drop", Kind = AlertKinds.KpiBelowTarget, Kpi = "precision", CaseType = "*" },
                new AlertRule { Id = "sla", Kind = AlertKinds.SlaBreaches, MaxBreaches = 10 },
                new AlertRule { Id = "quarantine", Kind = AlertKinds.QuarantineShare, MaxPercent = 5 },
                new AlertRule { Id = "freshness", Kind = AlertKinds.DataFreshness, MaxAgeMinutes = 30 },
                new AlertRule { Id = "ab", Kind = AlertKinds.ExperimentRollback },
            ],
        };
        var smtp = new SmtpOptions { Host = smtpPort is null ? null : "127.0.0.1", Port = smtpPort ?? 25, Security = SmtpSecurity.None, TimeoutSeconds = 10 };
        return new AlertService(new AlertStore(_lake), new Monitor<AlertsOptions>(options), new Monitor<SmtpOptions>(smtp),
            new AlertDelivery(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }), () => figures, NullLogger<AlertService>.Instance);
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    /// <summary>Aggregates as the published rollup would give them: every rule in breach, or all healthy.</summary>
    private sealed class Figures : IAlertFigures
    {
        public bool Healthy { get; set; }

        public MetricsReport Metrics(DateOnly from, DateOnly to, DateTimeOffset asOf)
        {
            var current = to == DateOnly.FromDateTime(asOf.UtcDateTime);
            // RESET_2FA: 96 % (n = 400) the window before, 88 % (n = 400) now: below > 95 % and a significant fall.
            var tp = current && !Healthy ? 352 : 384;
            var set = new MetricSet { CaseType = "RESET_2FA", Tp = tp, Fp = 400 - tp, Precision = tp / 400.0 };
            return new MetricsReport { Overall = set, ByCaseType = [set] };
        }

        public IReadOnlyList<(string CaseType, long Breaches)> SlaBreaches(DateTimeOffset from, DateTimeOffset to) => [("ATO", Healthy ? 2 : 14)];

        public (long Records, long Quarantined) Quarantine(DateTimeOffset from, DateTimeOffset to) => (1000, Healthy ? 10 : 80);

        public (DateTimeOffset? DataThrough, bool LakeHasData) Freshness() => (Healthy ? Now : Now.AddHours(-2), true);

        public ExperimentReport Experiments(DateTimeOffset asOf) => new()
        {
            Experiments = [new ExperimentEntry { Experiment = "x", CaseType = "RESET_2FA", Verdicts = new Dictionary<string, string> { ["treatment"] = Healthy ? "continue" : "rollback" } }],
        };

        public void Dispose()
        {
        }
    }

    /// <summary>A local HTTP receiver recording every POST body.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();

        public Receiver()
        {
            var port = SmtpCatcher.FreePort();
            Url = $"http://127.0.0.1:{port}/hook/secret-token";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public List<string> Bodies { get; } = [];

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
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
                if (Status == HttpStatusCode.OK)
                {
                    lock (Bodies)
                    {
                        Bodies.Add(body);
                    }
                }

                context.Response.StatusCode = (int)Status;
                context.Response.Close();
            }
        }
    }
}
