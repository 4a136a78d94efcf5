using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Hangfire.States;
using Npgsql;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Web.Jobs;

namespace RiskOps.Bench.Drain;

/// <summary>
/// Backlog drain rate of <c>riskops worker</c> processes on one PostgreSQL Hangfire database (1 vs 2 processes, one job
/// at a time each) and Hangfire's overhead per batch against calling the ingest pipeline directly.
/// Usage: <c>drain [--files N] [--rows N] [--cli path/riskops.dll] [--pg CONNECTION]</c>; without <c>--pg</c>
/// (or env <c>RISKOPS_BENCH_PG</c>) a throwaway PostgreSQL 15 cluster is started (needs root, like the tests).
/// </summary>
public static class DrainBenchmark
{
    private const string HashKey = "drain-benchmark-hash-key-not-a-secret-0001";

    /// <summary>Runs the benchmark and prints a table; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var files = IntArg(args, "--files", 40);
        var rows = IntArg(args, "--rows", 5000);
        var cli = Arg(args, "--cli") ?? Environment.GetEnvironmentVariable("RISKOPS_CLI_DLL") ?? FindCli();
        if (cli is null || !File.Exists(cli))
        {
            await Console.Error.WriteLineAsync("error: riskops.dll not found; build cli/RiskOps.Cli (-c Release) or pass --cli PATH");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), $"riskops-drain-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        await using var cluster = await TempCluster.StartAsync(Arg(args, "--pg") ?? Environment.GetEnvironmentVariable("RISKOPS_BENCH_PG"));
        try
        {
            var deliveries = WriteFiles(Path.Combine(root, "deliveries"), files, rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backlog: {files} CSV batches x {rows} decisions; cores {Environment.ProcessorCount}"));

            var direct = await DirectAsync(Path.Combine(root, "lake-direct"), deliveries);
            var one = await HangfireAsync(cluster, cli, Path.Combine(root, "lake-1"), deliveries, processes: 1);
            var two = await HangfireAsync(cluster, cli, Path.Combine(root, "lake-2"), deliveries, processes: 2);

            Console.WriteLine("| mode | seconds | batches/s | rows/s |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("pipeline called directly (1 thread)", direct, files, rows);
            Row("Hangfire, 1 worker process x 1 job", one, files, rows);
            Row("Hangfire, 2 worker processes x 1 job", two, files, rows);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drain-rate ratio 2 vs 1 processes: {one.TotalSeconds / two.TotalSeconds:0.00}x"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Hangfire overhead per batch (1 process vs direct): {(one - direct).TotalMilliseconds / files:0} ms"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Row(string mode, TimeSpan elapsed, int files, int rows) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {mode} | {elapsed.TotalSeconds:0.00} | {files / elapsed.TotalSeconds:0.0} | {(double)files * rows / elapsed.TotalSeconds:0} |"));

    private static async Task<TimeSpan> DirectAsync(string lake, IReadOnlyList<string> deliveries)
    {
        var pipeline = IngestPipeline.Create(lake, new ConfigurationBuilder()
            .AddInMemoryCollection([new("Lake:HashKey", HashKey)]).Build());
        var clock = Stopwatch.StartNew();
        foreach (var file in deliveries)
        {
            await pipeline.IngestFileAsync(file, RecordKind.Decisions, CancellationToken.None);
        }

        return clock.Elapsed;
    }

    private static async Task<TimeSpan> HangfireAsync(TempCluster cluster, string cli, string lake, IReadOnlyList<string> deliveries, int processes)
    {
        var connectionString = await cluster.CreateDatabaseAsync($"drain{processes}");
        var options = new JobsOptions { QueuePollInterval = TimeSpan.FromMilliseconds(200) };
        var storage = HangfireStorage.CreatePostgres(connectionString, options);
        var client = new BackgroundJobClient(storage);
        var workers = Enumerable.Range(0, processes).Select(_ => StartWorker(cli, lake, connectionString)).ToList();
        try
        {
            // Time the drain, not process start-up: wait until every server has registered.
            while (storage.GetMonitoringApi().Servers().Count < processes)
            {
                await Task.Delay(100);
            }

            var clock = Stopwatch.StartNew();
            var ids = deliveries.Select(f => client.Create<IngestFileJob>(j => j.RunAsync(f, "decisions", CancellationToken.None), new EnqueuedState(JobQueues.Ingest))).ToList();
            using var connection = storage.GetConnection();
            while (!ids.All(id => connection.GetStateData(id)?.Name == SucceededState.StateName))
            {
                if (ids.Any(id => connection.GetStateData(id)?.Name == FailedState.StateName))
                {
                    throw new InvalidOperationException("a drain job failed");
                }

                await Task.Delay(50);
            }

            return clock.Elapsed;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
                worker.Dispose();
            }
        }
    }

    private static Process StartWorker(string cli, string lake, string connectionString)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "worker", "--lake", lake })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ConnectionStrings__Hangfire"] = connectionString;
        info.Environment["Lake__HashKey"] = HashKey;
        info.Environment["Jobs__WorkerCount"] = "1";
        info.Environment["Jobs__RegisterRecurringJobs"] = "false";
        info.Environment["Jobs__QueuePollInterval"] = "00:00:00.200";
        info.Environment["Jobs__HeartbeatInterval"] = "00:00:01";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static List<string> WriteFiles(string folder, int files, int rows)
    {
        Directory.CreateDirectory(folder);
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var paths = new List<string>(files);
        for (var f = 0; f < files; f++)
        {
            var text = new StringBuilder("case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n");
            for (var r = 0; r < rows; r++)
            {
                var n = (f * rows) + r;
                text.Append(CultureInfo.InvariantCulture,
                    $"B{f:D4}-{r:D7},ATO,{start.AddMinutes(n % 10_000):yyyy-MM-ddTHH:mm:ssZ},m-1,{(n % 4 == 0 ? "block" : "pass")},0.9,0.8,auto,{n % 100},user-{n},new_device,EU\n");
            }

            var path = Path.Combine(folder, $"decisions_{f:D4}.csv");
            File.WriteAllText(path, text.ToString());
            paths.Add(path);
        }

        return paths;
    }

    private static string? FindCli()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RiskOps.Analytics.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null ? null : new[] { "Release", "Debug" }
            .Select(c => Path.Combine(dir.FullName, "cli", "RiskOps.Cli", "bin", c, "net10.0", "riskops.dll"))
            .FirstOrDefault(File.Exists);
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        int.TryParse(Arg(args, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>A PostgreSQL for the benchmark: the given server, or a throwaway cluster (environment.md recipe).</summary>
    private sealed class TempCluster : IAsyncDisposable
    {
        private const string PgBin = "/usr/lib/postgresql/15/bin";
        private readonly string? _dir;
        private readonly string _admin;

        private TempCluster(string? dir, string admin)
        {
            _dir = dir;
            _admin = admin;
        }

        public static async Task<TempCluster> StartAsync(string? external)
        {
            if (!string.IsNullOrWhiteSpace(external))
            {
                return new TempCluster(null, external);
            }

            var dir = Path.Combine(Path.GetTempPath(), $"riskops-drain-pg-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            await RunAsync("chown", "postgres:", dir);
            await RunAsync("chmod", "700", dir);
            await RunAsync("runuser", "-u", "postgres", "--", $"{PgBin}/initdb", "-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            await RunAsync("runuser", "-u", "postgres", "--", $"{PgBin}/pg_ctl", "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "server.log"), "-w", "-t", "30", "start",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {dir} -c fsync=off");
            return new TempCluster(dir, $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false");
        }

        public async Task<string> CreateDatabaseAsync(string prefix)
        {
            var name = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
            return new NpgsqlConnectionStringBuilder(_admin) { Database = name, Pooling = true }.ConnectionString;
        }

        public async ValueTask DisposeAsync()
        {
            if (_dir is null)
            {
                return;
            }

            await RunAsync("runuser", "-u", "postgres", "--", $"{PgBin}/pg_ctl", "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop");
            Directory.Delete(_dir, recursive: true);
        }

        private static async Task RunAsync(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} failed: {await output}{await error}");
            }
        }
    }
}
