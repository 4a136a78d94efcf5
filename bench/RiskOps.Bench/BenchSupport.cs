using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace RiskOps.Bench;

/// <summary>Argument parsing, child processes and memory readings shared by the benchmarks.</summary>
internal static class BenchSupport
{
    /// <summary>The value after <paramref name="name"/>, or null.</summary>
    public static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>An integer option; accepts <c>10_000_000</c> and <c>10,000,000</c>.</summary>
    public static int IntArg(string[] args, string name, int fallback)
    {
        var text = Arg(args, name);
        return text is null ? fallback : int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);
    }

    public static bool Flag(string[] args, string name) => args.Contains(name);

    /// <summary>Peak resident set size of this process in bytes (Linux VmHWM; elsewhere the peak working set).</summary>
    public static long PeakRssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux: fall back below.
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    /// <summary>A fresh work folder under the temp folder (or the given one).</summary>
    public static string WorkDir(string[] args, string name)
    {
        var dir = Arg(args, "--work") ?? Path.Combine(Path.GetTempPath(), $"riskops-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Runs this bench executable again with <paramref name="args"/> (so its memory is measured on its own) and
    /// returns the JSON object it prints on its last stdout line starting with <c>RESULT </c>.
    /// </summary>
    public static async Task<JsonElement> RunChildAsync(params string[] args)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        var processPath = Environment.ProcessPath!;
        start.FileName = processPath;
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException("cannot start the child process");
        string? result = null;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                result = line["RESULT ".Length..];
            }
            else
            {
                Console.WriteLine("  | " + line);
            }
        }

        await child.WaitForExitAsync();
        if (child.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"child '{string.Join(' ', args)}' failed with exit code {child.ExitCode}");
        }

        return JsonSerializer.Deserialize<JsonElement>(result);
    }

    /// <summary>Prints the child's result line.</summary>
    public static void EmitResult(object result) => Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));

    public static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    public static string Rate(double rowsPerSecond) => rowsPerSecond >= 1e6
        ? (rowsPerSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M rows/s"
        : (rowsPerSecond / 1e3).ToString("0", CultureInfo.InvariantCulture) + " k rows/s";

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            Console.Error.WriteLine($"could not delete {dir}");
        }
    }
}
