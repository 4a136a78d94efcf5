using System.Diagnostics;
using System.Text;

namespace RiskOps.Production.Tests.Support;

/// <summary>
/// A real <c>riskops worker</c> process (the CLI assembly copied next to the tests, run with <c>dotnet riskops.dll</c>)
/// on a shared Hangfire database. Short poll and invisibility timeouts keep the tests quick.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>The HMAC key every test process uses, so hashes match between worker and in-process pipelines.</summary>
    public const string HashKey = "production-tests-hash-key-not-a-secret";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>The configuration a test worker gets through its environment (the same keys docker-compose sets).</summary>
    public static Dictionary<string, string> Environment(string hangfireConnectionString, int workerCount) => new()
    {
        ["ConnectionStrings__Hangfire"] = hangfireConnectionString,
        ["Lake__HashKey"] = HashKey,
        ["Jobs__WorkerCount"] = workerCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Jobs__RegisterRecurringJobs"] = "false",
        ["Jobs__QueuePollInterval"] = "00:00:00.250",
        ["Jobs__SchedulePollingInterval"] = "00:00:00.500",
        ["Jobs__InvisibilityTimeout"] = "00:00:04",
        ["Jobs__HeartbeatInterval"] = "00:00:02",
        ["Jobs__ServerTimeout"] = "00:00:20",
        ["Jobs__ShutdownTimeout"] = "00:00:05",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__Console__FormatterName"] = "simple",
    };

    /// <summary>Starts <c>riskops worker --lake <paramref name="lake"/></c> with <paramref name="environment"/>.</summary>
    public static WorkerProcess Start(string lake, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "riskops.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("riskops.dll is not next to the tests; is cli/RiskOps.Cli referenced?", dll);
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("worker");
        info.ArgumentList.Add("--lake");
        info.ArgumentList.Add(lake);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crashed container would die.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string DotnetHost()
    {
        var fromSdk = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var self = System.Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
