using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Jobs;
using RiskOps.Reports.Pdf;

namespace RiskOps.Cli.Tests;

/// <summary>`riskops report` and the scheduled delivery job produce the same pack (one renderer, one set of figures).</summary>
public sealed class ReportJobParityTests : IAsyncLifetime
{
    private static readonly DateTimeOffset _sendTime = new(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-report-" + Guid.NewGuid().ToString("N"));
    private string Lake => Path.Combine(_dir, "lake");

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", Lake, "--cases", "3000", "--seed", "11", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Report_CliAndScheduledJob_SamePackText()
    {
        var cliPdf = Path.Combine(_dir, "cli.pdf");
        var cli = await CliRunner.RunAsync("report", "--lake", Lake, "--week", "2026-W47", "--out", cliPdf,
            "--as-of", _sendTime.ToString("O"), "--case-type", "ATO");
        Assert.True(cli.ExitCode == 0, cli.StdErr);

        var subscription = new ReportSubscription { Name = "ato-weekly", Recipients = ["lead@example.test"], CaseTypes = ["ATO"] };
        var time = new FakeTimeProvider(_sendTime);
        var archive = new ReportArchive(Lake, Path.Combine(_dir, "archive"));
        var job = new ReportDeliveryJob(
            archive,
            // The host's registry as DI builds it from an empty Experiments section (the demo's two), as the CLI reads it.
            new PackRenderer(time, RiskOps.Sql.Experiments.ExperimentRegistry.From(new RiskOps.Sql.Experiments.ExperimentRegistryOptions())),
            new Fixed<ReportsOptions>(new ReportsOptions { Subscriptions = [subscription] }),
            new Fixed<SmtpOptions>(new SmtpOptions()),
            time,
            NullLogger<ReportDeliveryJob>.Instance);

        var record = await job.RunAsync("ato-weekly", CancellationToken.None);

        Assert.Equal("2026-W47", record.Week);
        var jobPdf = Path.Combine(_dir, "job.pdf");
        await using (var archived = archive.OpenRead(record.ArchiveId!) ?? throw new InvalidOperationException("no archived pack"))
        await using (var copy = File.Create(jobPdf))
        {
            await archived.CopyToAsync(copy);
        }

        var cliText = await PdfText(cliPdf);
        var jobText = await PdfText(jobPdf);
        Assert.Contains("ATO", cliText, StringComparison.Ordinal);
        // The job's pack names its subscription (page header, appendix) and its generation time; all else is the same.
        Assert.Contains("ato-weekly", Normalize(jobText), StringComparison.Ordinal);
        Assert.Equal(WithoutDeliveryDetails(cliText), WithoutDeliveryDetails(jobText));
    }

    // pdftotext spaces words by layout (and splits some by kerning), so whitespace is dropped before comparing.
    private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", "");

    private static string WithoutDeliveryDetails(string text)
    {
        var flat = Normalize(text).Replace("·ato-weekly", "", StringComparison.Ordinal);
        return System.Text.RegularExpressions.Regex.Replace(flat, @"Generated\d{4}-\d{2}-\d{2}\d{2}:\d{2}UTC(forsubscriptionato-weekly)?\.", "Generated.");
    }

    private static async Task<string> PdfText(string pdf)
    {
        var info = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-layout");
        info.ArgumentList.Add(pdf);
        info.ArgumentList.Add("-");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("pdftotext did not start");
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return text;
    }

    private sealed class Fixed<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
