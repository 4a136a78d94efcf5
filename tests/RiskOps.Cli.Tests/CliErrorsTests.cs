using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RiskOps.Cli.Tests;

/// <summary>Clean errors from the command line (issue 12 items 13 and 14): one line, exit 2, never a crash.</summary>
public sealed class CliErrorsTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("riskops-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static async Task<CliRunner.Result> RunAsync(IDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "riskops.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["RISKOPS_DEV_KEY_FILE"] = Path.Combine(Path.GetTempPath(), "riskops-cli-tests-dev-key");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start riskops");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRunner.Result(process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Run_UnknownCommand_OneLineListingTheCommandsExit2()
    {
        var result = await CliRunner.RunAsync("frobnicate", "--lake", _work);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.StdErr));
        Assert.Contains("unknown command 'frobnicate'", line, StringComparison.Ordinal);
        Assert.Contains("ingest", line, StringComparison.Ordinal);
        Assert.Contains("serve", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_EmailWithUnreachableSmtp_PdfKeptSaidSoExit2()
    {
        var lake = Path.Combine(_work, "lake");
        var pdf = Path.Combine(_work, "pack.pdf");
        Assert.Equal(0, (await CliRunner.RunAsync("demo", "--lake", lake, "--cases", "300")).ExitCode);
        var smtp = new Dictionary<string, string> { ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), ["Smtp__TimeoutSeconds"] = "5" };

        var result = await RunAsync(smtp, "report", "--lake", lake, "--week", "2026-W47", "--out", pdf, "--email", "--to", "lead@example.test");

        Assert.Equal(2, result.ExitCode);
        Assert.True(File.Exists(pdf), "the PDF must be written and kept for the retry");
        Assert.StartsWith("%PDF", File.ReadAllText(pdf)[..4], StringComparison.Ordinal);
        var line = Assert.Single(Lines(result.StdErr));
        Assert.Contains(pdf, line, StringComparison.Ordinal);
        Assert.Contains("retry", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_OneLineExit2()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var result = await RunAsync(new Dictionary<string, string>(), "serve", "--lake", Path.Combine(_work, "serve-lake"), "--urls", $"http://127.0.0.1:{port}", "--Demo:SeedOnStart=false");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.StdErr));
        Assert.Contains("already in use", line, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("serve")]
    public async Task ProductionMode_WithoutHashKey_RefusesInOneLineExit2(string command)
    {
        var production = new Dictionary<string, string> { ["ConnectionStrings__Hangfire"] = "Host=127.0.0.1;Port=1;Database=none" };

        var result = await RunAsync(production, command, "--lake", Path.Combine(_work, "prod-lake"));

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.StdErr));
        Assert.Contains("Lake:HashKey", line, StringComparison.Ordinal);
    }
}
