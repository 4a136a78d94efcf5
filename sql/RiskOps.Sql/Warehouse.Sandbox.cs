using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;

namespace RiskOps.Sql;

/// <summary>Limits of <see cref="Warehouse.QuerySandboxed"/> (<c>riskops sql</c>).</summary>
public sealed class SandboxLimits
{
    /// <summary>How long the query may run before DuckDB is interrupted.</summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>DuckDB's <c>memory_limit</c> for the query's connection.</summary>
    /// <value>Default: <c>2GB</c>.</value>
    public string MemoryLimit { get; init; } = "2GB";
}

public sealed partial class Warehouse
{
    /// <summary>
    /// Runs one read-only query for a data team (<c>riskops sql</c>, contract v2 §3) in a sandbox: DuckDB's own parser
    /// must see exactly one SELECT statement (so <c>EXPLAIN ANALYZE COPY …</c>, <c>ATTACH</c>, <c>SET</c>, <c>COPY</c>,
    /// <c>PRAGMA</c> and several statements are refused); the query runs on a connection of its own that can read only
    /// the lake's record folders (<c>enable_external_access = false</c> with <c>allowed_directories</c>, so
    /// <c>read_text('/etc/passwd')</c>, the rollup store and any file outside the lake are refused), whose configuration
    /// is then locked, with a memory cap, and interrupted after <see cref="SandboxLimits.Timeout"/>.
    /// </summary>
    /// <exception cref="InvalidQueryException">Refused, failed or timed out; the message is one line.</exception>
    public QueryResult QuerySandboxed(string sql, SandboxLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        limits ??= new SandboxLimits();
        BoundLake folders;
        List<string> views;
        lock (_gate)
        {
            folders = FoldersWithFiles();
            views = ViewNames.Select(name => BindView(name, folders)).ToList();
        }

        using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false;autoload_known_extensions=false");
        connection.Open();
        Execute(connection, "set TimeZone = 'UTC'");
        foreach (var view in views)
        {
            Execute(connection, view);
        }

        CheckSingleSelect(connection, sql);
        // Only the record folders: not _rollups/, _manifests/ or anything else under (or beside) the lake root.
        var allowed = SourceFolders.Select(f => Quote(Path.Combine(LakeRoot, f)) + "/").ToList();
        var allowedList = string.Join(", ", allowed.Select(a => $"'{a}'"));
        Execute(connection, $"set allowed_directories = [{allowedList}]");
        Execute(connection, $"set memory_limit = '{limits.MemoryLimit.Replace("'", "", StringComparison.Ordinal)}'");
        // No spilling: a sandboxed query that needs more than its memory cap fails rather than writing files.
        Execute(connection, "set temp_directory = ''");
        Execute(connection, "set enable_external_access = false");
        Execute(connection, "set lock_configuration = true");

        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var timedOut = 0;
        using var timer = new Timer(_ =>
        {
            Interlocked.Exchange(ref timedOut, 1);
            try
            {
                command.Cancel();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
                // The query finished in the same instant.
            }
        }, null, limits.Timeout, System.Threading.Timeout.InfiniteTimeSpan);
        try
        {
            using var reader = command.ExecuteReader();
            var result = ReadResult(reader);
            if (Volatile.Read(ref timedOut) == 1)
            {
                throw TimedOut(limits);
            }

            return result;
        }
        catch (OperationCanceledException)
        {
            // DuckDB.NET reports an interrupted query (command.Cancel → duckdb_interrupt) as a cancellation.
            throw TimedOut(limits);
        }
        catch (DuckDBException ex)
        {
            if (Volatile.Read(ref timedOut) == 1)
            {
                throw TimedOut(limits);
            }

            // DuckDB messages span several lines (caret pointers); the first one names the problem.
            throw new InvalidQueryException(ex.Message.Split('\n')[0].Trim());
        }
    }

    private static InvalidQueryException TimedOut(SandboxLimits limits) =>
        new($"query interrupted after the {limits.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s time limit");

    /// <summary>
    /// Asks DuckDB's parser (<c>json_serialize_sql</c>, which serialises SELECT statements only) whether the text is
    /// exactly one SELECT statement; anything else is refused with one line.
    /// </summary>
    private static void CheckSingleSelect(DuckDBConnection connection, string sql)
    {
        string json;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "select json_serialize_sql($sql::varchar)";
            command.Parameters.Add(new DuckDBParameter("sql", sql));
            json = command.ExecuteScalar() as string ?? "";
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() ?? "" : "";
            throw new InvalidQueryException(message.Contains("Only SELECT", StringComparison.OrdinalIgnoreCase)
                ? "only one read-only SELECT query is allowed"
                : "only one read-only SELECT query is allowed: " + message.Split('\n')[0].Trim());
        }

        var statements = root.TryGetProperty("statements", out var s) && s.ValueKind == JsonValueKind.Array ? s.GetArrayLength() : 0;
        if (statements != 1)
        {
            throw new InvalidQueryException(statements == 0 ? "no query given" : $"only one statement is allowed (got {statements})");
        }
    }
}
