using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace RiskOps.Production.Tests.Support;

/// <summary>
/// A real PostgreSQL for the collection: the server in env <c>RISKOPS_TEST_PG</c> when given, else a throwaway cluster
/// (initdb as user postgres, free port, fsync off) that is stopped and deleted at the end. Each test creates its own
/// database, so Hangfire schemas and source tables never leak between tests.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";
    private string? _dir;
    private int _port;

    /// <summary>Connection string to the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>True when this fixture owns the server (and so can restart it).</summary>
    public bool OwnsServer => _dir is not null;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("RISKOPS_TEST_PG");
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = external;
            return;
        }

        _dir = Path.Combine(Path.GetTempPath(), $"riskops-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        _port = FreePort();
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:", _dir]);
        }

        await RunAsync("chmod", ["700", _dir]);
        await RunAsPostgresAsync($"{PgBin}/initdb", ["-D", DataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await StartAsync();
        AdminConnectionString = $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_dir is null)
        {
            return;
        }

        try
        {
            await RunAsPostgresAsync($"{PgBin}/pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Creates a fresh database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Stops the server hard (as a crash would) and starts it again after <paramref name="downFor"/>.</summary>
    public async Task RestartAsync(TimeSpan downFor)
    {
        if (_dir is null)
        {
            throw new InvalidOperationException("the server in RISKOPS_TEST_PG cannot be restarted by the tests");
        }

        await RunAsPostgresAsync($"{PgBin}/pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]);
        await Task.Delay(downFor);
        await StartAsync();
    }

    private string DataDir => Path.Combine(_dir!, "data");

    private static bool IsRoot => Environment.UserName == "root";

    private Task StartAsync() =>
        RunAsPostgresAsync($"{PgBin}/pg_ctl",
        [
            "-D", DataDir, "-l", Path.Combine(_dir!, "server.log"), "-w", "-t", "30", "start",
            "-o", $"-p {_port} -c listen_addresses=127.0.0.1 -k {_dir} -c fsync=off -c max_connections=200",
        ]);

    private static Task RunAsPostgresAsync(string file, string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests that share one PostgreSQL server run one after another (one restarts it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "postgres";
}
