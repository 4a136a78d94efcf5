using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>Landing-job logs and the exceptions a job would hand to Hangfire carry no record text (issue 12 item 4).</summary>
public sealed class JobLogPrivacyTests : IDisposable
{
    private const string UserId = "user-Zq7distinctive";
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task LandingScanJob_RunAsyncWithBadRowsAndUnreadableFiles_NoLogLineOrExceptionHoldsTheUserId()
    {
        var landing = Path.Combine(_lake.Root, "landing");
        Directory.CreateDirectory(landing);
        var header = Samples.DecisionsHeader + "\n";
        // Bad rows of every shape: an out-of-range value, shifted columns (the id where a number belongs), an unclosed quote.
        File.WriteAllText(Path.Combine(landing, "decisions_1.csv"), header
            + $"C1,ATO,2026-11-02T10:00:00Z,m1,block,0.97,0.9,auto,80,{UserId},vpn_ip,EU\n"
            + $"C2,ATO,2026-11-02T10:00:00Z,m1,block,7,0.9,auto,80,{UserId},,EU\n"
            + $"C3,ATO,2026-11-02T10:00:00Z,m1,block,0.9,auto,80,{UserId},,EU\n"
            + $"C4,ATO,\"2026-11-02T10:00:00Z,m1,block,0.9,0.9,auto,80,{UserId},,EU\n");
        File.WriteAllText(Path.Combine(landing, "decisions_2.ndjson"),
            $"{{\"case_id\":\"N1\",\"user_id\":[\"{UserId}\"]}}\n{{\"case_id\":\"N2\", \"user_id\": \"{UserId}\" broken\n");
        // Unreadable files: no header (the first record becomes the header), a first line that is not JSON.
        File.WriteAllText(Path.Combine(landing, "export.csv"), $"C9,ATO,{UserId},x\nC8,ATO,{UserId},y\n");
        File.WriteAllText(Path.Combine(landing, "feed.ndjson"), $"{UserId} is not json\n");
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var pipeline = new IngestPipeline(new LakeOptions { Root = _lake.Lake, HashKey = "test-hash-key" }, _lake.Time, factory.CreateLogger<IngestPipeline>());
        var job = new LandingScanJob(pipeline, Options.Create(new EtlOptions()), factory.CreateLogger<LandingScanJob>());

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(2, result.Failed);
        Assert.True(result.Results.Sum(r => r.Quarantined) >= 4, $"{result.Results.Sum(r => r.Quarantined)} quarantined");
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(UserId, StringComparison.Ordinal));
        // What IngestFileJob would throw to Hangfire (stored with the job) for each unreadable file.
        foreach (var name in new[] { "export.csv", "feed.ndjson" })
        {
            var error = await Assert.ThrowsAsync<UnreadableInputException>(() =>
                pipeline.IngestFileAsync(Path.Combine(landing, "failed", name), null, CancellationToken.None));
            Assert.DoesNotContain(UserId, error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(UserId, File.ReadAllText(Path.Combine(landing, "failed", name + ".reason.txt")), StringComparison.Ordinal);
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
