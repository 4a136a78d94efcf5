using System.Diagnostics;
using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Tests;

/// <summary>A throwaway lake plus an input folder under the temp directory, removed on dispose.</summary>
internal sealed class TestLake : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    public TestLake()
    {
        Root = Path.Combine(Path.GetTempPath(), "riskops-etl-" + Guid.NewGuid().ToString("N")[..12]);
        Lake = Path.Combine(Root, "lake");
        Input = Path.Combine(Root, "input");
        Directory.CreateDirectory(Input);
        Time = new FakeTimeProvider(Now);
    }

    public string Root { get; }

    public string Lake { get; }

    public string Input { get; }

    public FakeTimeProvider Time { get; }

    public IngestPipeline Pipeline(string? hashKey = "test-hash-key", string? devKeyFile = null) =>
        new(new LakeOptions { Root = Lake, HashKey = hashKey, DevKeyFile = devKeyFile }, Time, NullLogger<IngestPipeline>.Instance);

    public string Write(string name, string content)
    {
        var path = Path.Combine(Input, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs SQL in an in-process DuckDB; rows as arrays.</summary>
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "set TimeZone = 'UTC'; " + sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public string Glob(string kind) => $"read_parquet('{Lake}/{kind}/**/*.parquet', hive_partitioning = true, union_by_name = true)";

    public long Count(string kind) =>
        Directory.Exists(Path.Combine(Lake, kind)) ? Convert.ToInt64(Query($"select count(*) from {Glob(kind)}")[0][0]) : 0;

    /// <summary>Every file under the lake (relative, sorted) with its size, excluding manifests' timestamps.</summary>
    public List<string> Listing() => Directory.Exists(Lake)
        ? Directory.EnumerateFiles(Lake, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Lake, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList()
        : [];

    /// <summary>Runs SQL with the independent node DuckDB (tools/duckdb-check); rows as JSON.</summary>
    public static JsonElement NodeQuery(string sql)
    {
        var script = Path.Combine(RepoRoot(), "tools", "duckdb-check", "query.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node duckdb failed: {error}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    public static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RiskOps.Analytics.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            // Built into an artifacts path outside the repo: fall back to the source location of this file.
            directory = new DirectoryInfo(Path.GetDirectoryName(ThisFile())!);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RiskOps.Analytics.sln")))
            {
                directory = directory.Parent;
            }
        }

        return directory?.FullName ?? throw new InvalidOperationException("RiskOps.Analytics.sln not found above the test binaries");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
