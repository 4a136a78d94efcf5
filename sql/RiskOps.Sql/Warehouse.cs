using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

/// <summary>
/// The one place figures are computed: a DuckDB connection with the documented views bound to a lake, and the named
/// metric SQL files. Serves the CLI, the dashboard and the reports. Thread-safe: calls are serialised on the connection.
/// </summary>
public sealed partial class Warehouse : IDisposable
{
    /// <summary>The view files in creation order (later views build on earlier ones).</summary>
    internal static readonly IReadOnlyList<string> ViewNames =
    [
        "macros", "raw_decisions", "raw_reviews", "raw_labels", "raw_qa_audits", "raw_sop_coverage", "quarantine",
        "decisions", "reviews", "labels", "label_history", "qa_audits", "sop_coverage", "cases", "case_audits",
    ];

    /// <summary>The lake folders the raw views read.</summary>
    internal static readonly IReadOnlyList<string> SourceFolders = ["decisions", "reviews", "labels", "qa_audits", "sop_coverage", "quarantine"];

    /// <summary>The case types of contract §1; always valid as a filter even before the lake has any.</summary>
    public static readonly IReadOnlyList<string> ContractCaseTypes = ["KYC_AUDIT", "ATO", "RESET_2FA", "POA_REVIEW", "WITHDRAWAL_ANOMALY"];

    private readonly DuckDBConnection _connection;
    private readonly Lock _gate = new();
    private readonly string _spill;
    private string? _boundFolders;
    private string? _rollupViews;
    private string? _scopeFilterKey;
    private bool _rollupFullBound;

    /// <summary>Whether the bound rollup version's <see cref="AnalysisTables"/> are bound too.</summary>
    private bool _rollupAnalysisBound;

    private Warehouse(string lakeRoot)
    {
        LakeRoot = lakeRoot;
        _connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        _connection.Open();
        _preparedCommands = new PreparedCommands(_connection);
        // Views derive dates from epoch microseconds; UTC here only keeps ad-hoc `riskops sql` output in UTC too.
        Execute("set TimeZone = 'UTC'");
        // Lakes hold many small files between compactions; caching their footers makes repeated scans cheap.
        Execute("set parquet_metadata_cache = true");
        // What DuckDB spills (big raw scopes, rollup builds) goes to the system temp folder, not the working directory
        // (read-only in a container), and is removed with the warehouse.
        _spill = Path.Combine(Path.GetTempPath(), $"{SpillPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Execute($"set temp_directory = '{Quote(_spill)}'");
        RemoveSpillOfEndedProcesses();
        EnsureViews();
    }

    private const string SpillPrefix = "riskops-duckdb-";

    /// <summary>
    /// Spill folders of warehouses whose process ended without disposing them (killed) can hold gigabytes; one whose
    /// process id no longer runs is removed. A reused process id keeps its folder: removal is never a guess.
    /// </summary>
    private static void RemoveSpillOfEndedProcesses()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), SpillPrefix + "*"))
        {
            var name = Path.GetFileName(folder)[SpillPrefix.Length..];
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's or still held: left alone.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The absolute lake root the views read.</summary>
    public string LakeRoot { get; }

    /// <summary>Opens the views over the lake at <paramref name="lakeRoot"/> (an empty or missing lake gives empty views).</summary>
    public static Warehouse Open(string lakeRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lakeRoot);
        return new Warehouse(Path.TrimEndingDirectorySeparator(Path.GetFullPath(lakeRoot)));
    }

    /// <summary>
    /// Validates filters (throws <see cref="InvalidFilterException"/> with one clear line): dates, weeks, and every case
    /// type, model version, region and vendor against the lake's values (<see cref="Resolve"/>).
    /// </summary>
    public void Validate(MetricFilters filters) => Resolve(filters);

    private static void ValidateShape(MetricFilters filters)
    {
        if (filters.From is { } from && filters.To is { } to && from > to)
        {
            throw new InvalidFilterException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}");
        }

        foreach (var week in filters.Weeks)
        {
            ValidateWeek(week);
        }
    }

    /// <summary>
    /// All figures of contract §2 for the filters, open cases aged to <paramref name="asOf"/>. With
    /// <see cref="MetricsDetail.Overview"/> the resolution-time quantiles are left null (they are the one figure whose cost
    /// grows with the number of resolved cases even over rollups); every other figure is the same.
    /// </summary>
    public MetricsReport GetMetrics(MetricFilters filters, DateTimeOffset asOf, MetricsDetail detail = MetricsDetail.Full)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithAggregates(filters, rollup => BuildReport(filters, asOf, rollup, detail), detail));
        }
    }

    /// <summary>Runs a read-only query over the documented views; returns column names and rows.</summary>
    /// <exception cref="InvalidQueryException">The text is not a single read-only statement.</exception>
    public QueryResult Query(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var text = sql.Trim().TrimEnd(';').Trim();
        if (text.Contains(';', StringComparison.Ordinal))
        {
            throw new InvalidQueryException("only one statement is allowed");
        }

        var first = Regex.Match(text, @"^\(*\s*([A-Za-z]+)").Groups[1].Value.ToLowerInvariant();
        if (first is not ("select" or "with" or "from" or "describe" or "show" or "summarize" or "explain" or "table" or "values" or "pivot" or "unpivot"))
        {
            throw new InvalidQueryException($"only read-only queries are allowed (SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); got '{first}'");
        }

        return RunQuery(text, new Dictionary<string, object?>());
    }

    /// <summary>
    /// Runs one fixed read-only statement over the documented views with DuckDB parameters (<c>$name</c>), so callers bind
    /// values instead of quoting them into the text.
    /// </summary>
    /// <exception cref="InvalidQueryException">The text is more than one statement.</exception>
    public QueryResult Query(string sql, IReadOnlyDictionary<string, object?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            return Query(sql);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var text = sql.Trim().TrimEnd(';').Trim();
        if (text.Contains(';', StringComparison.Ordinal))
        {
            throw new InvalidQueryException("only one statement is allowed");
        }

        return RunQuery(text, parameters);
    }

    private QueryResult RunQuery(string text, IReadOnlyDictionary<string, object?> parameters)
    {
        lock (_gate)
        {
            return RetryingVanishedFiles(() =>
            {
                using var command = _connection.CreateCommand();
                command.CommandText = text;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.Add(new DuckDBParameter(name, value));
                }

                return Interruptible(command, () =>
                {
                    using var reader = command.ExecuteReader();
                    return ReadResult(reader);
                });
            });
        }
    }

    /// <summary>Every row of <paramref name="reader"/> as values (nulls as null), with its column names.</summary>
    internal static QueryResult ReadResult(System.Data.Common.DbDataReader reader)
    {
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
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

        return new QueryResult(columns, rows);
    }

    /// <summary>How many times a read whose lake file vanished under it is tried in all (see <see cref="RetryingVanishedFiles{T}"/>).</summary>
    private const int VanishedFileAttempts = 5;

    /// <summary>
    /// Runs a read of the lake (views bound first), and runs it again when it failed only because a file the query had
    /// listed was gone when DuckDB opened it: a compaction swapped that partition's files (new file renamed in, old ones
    /// deleted) or a newer rollup version replaced the bound one in that instant. The next attempt lists the files anew.
    /// Any other error is thrown at once; after <see cref="VanishedFileAttempts"/> attempts the last error is. Call under
    /// the gate.
    /// </summary>
    private T RetryingVanishedFiles<T>(Func<T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                EnsureViews();
                return read();
            }
            catch (DuckDBException ex) when (attempt < VanishedFileAttempts && IsVanishedFile(ex))
            {
                // A swap takes milliseconds: a short, growing pause lets it finish before the files are listed again.
                ForgetLakeFiles();
                Thread.Sleep(20 * attempt);
            }
            catch (DuckDBException ex) when (attempt < VanishedFileAttempts && MarkUnreadable(ex))
            {
                // A damaged file behind a sound frame: left out from now on (named on /data and /health/ready).
            }
        }
    }

    /// <summary>True for DuckDB's error on a listed file that no longer exists (the lake changed during the read).</summary>
    internal static bool IsVanishedFile(DuckDBException error) =>
        error.Message.Contains("IO Error", StringComparison.Ordinal)
        && (error.Message.Contains("No such file or directory", StringComparison.Ordinal)
            || error.Message.Contains("No files found that match the pattern", StringComparison.Ordinal));

    /// <summary>The view definitions bound to this lake, ready to paste into any DuckDB.</summary>
    public string PrintViews()
    {
        lock (_gate)
        {
            // The public interface: the globs of docs/lake.md, not the warehouse's manifested file list.
            var folders = BoundLake.Globs(LakeRoot, PublicFolders());
            var text = new StringBuilder();
            text.Append("-- RiskOps warehouse views bound to ").Append(LakeRoot).Append('\n');
            text.Append("-- Kind folders without files yet are bound to an empty typed relation; print again after the first ingest.\n");
            foreach (var name in ViewNames)
            {
                text.Append('\n').Append(BindView(name, folders).TrimEnd().TrimEnd(';')).Append(";\n");
            }

            return text.ToString();
        }
    }

    /// <summary>Known case types: the contract's and every case type in the lake's decisions or SOP catalogue, sorted.</summary>
    public IReadOnlyList<string> CaseTypes()
    {
        lock (_gate)
        {
            return RetryingVanishedFiles(() =>
            {
                // A fresh rollup already holds every decided case type; reading it spares a scan of every decision.
                var rollup = UseRollups ? (ServePublishedRollup ? LatestPublishedRollup()?.Folder : FreshRollup()) : null;
                var decided = rollup is null ? "decisions" : $"read_parquet('{Quote(Path.Combine(rollup, "daily.parquet"))}')";
                var inLake = ReadRows($"select case_type from {decided} union select case_type from sop_coverage")
                    .Select(r => (string?)r["case_type"]).OfType<string>();
                return ContractCaseTypes.Concat(inLake).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            });
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        _rollupPin?.Dispose();
        _rollupPin = null;
        ForgetPreparedCommands();
        DisposeWorkers();
        _connection.Dispose();
        try
        {
            if (Directory.Exists(_spill))
            {
                Directory.Delete(_spill, recursive: true);
            }
        }
        catch (IOException)
        {
            // A spill file still held: the system temp folder's own cleanup takes it.
        }
    }

    /// <summary>The DuckDB parameters of the FILTERS: <c>$from $to $weeks $case_types $model_versions $regions $vendors</c>.</summary>
    internal static DuckDBParameter[] FilterParameters(MetricFilters filters) =>
    [
        new("from", filters.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("to", filters.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        new("weeks", filters.Weeks.ToList()),
        new("case_types", filters.CaseTypes.ToList()),
        new("model_versions", filters.ModelVersions.ToList()),
        new("regions", filters.Regions.ToList()),
        new("vendors", filters.Vendors.ToList()),
    ];

    /// <summary>
    /// Runs <paramref name="body"/> with the temp relations <c>scope</c> (filtered cases), <c>scope_audits</c> and
    /// <c>review_source</c> in place — read from the rollup's snapshots when they are fresh (<c>scope</c> then a view,
    /// never a copy), else from the raw views — and drops them afterwards. Call under the gate.
    /// </summary>
    internal T WithScope<T>(MetricFilters filters, Func<T> body)
    {
        var parameters = FilterParameters(filters);
        var scopeIsView = false;
        try
        {
            var rollup = RollupToRead();
            LastScopeFromRollup = rollup is not null;
            Execute(rollup is null
                ? "create or replace temp view case_source as select * from cases"
                : $"create or replace temp view case_source as select * from {RollupRelation(rollup, "cases")}");
            Execute(rollup is null
                ? "create or replace temp view audit_source as select * from case_audits"
                : $"create or replace temp view audit_source as select * from {RollupRelation(rollup, "case_audits")}");
            if (rollup is not null)
            {
                // Over the rollup's case snapshot, scope is a view filtered by the one-row scope_filter table: nothing is
                // copied, so each query scans only the snapshot columns it needs (a 100 M-case snapshot copied into a
                // temp table spilled tens of GB).
                UseRollupViews(rollup, full: false);
                SetScopeFilter(filters);
                Execute($"create or replace temp view scope as {SqlScripts.Get("rollup_scope").Replace("{{table}}", "case_source", StringComparison.Ordinal)}");
                scopeIsView = true;
            }
            else if (IsUnfiltered(filters))
            {
                // Without any filter the predicate is left out, so DuckDB plans the plain snapshot of the cases view.
                Execute("create or replace temp table scope as select * from case_source");
            }
            else
            {
                Execute($"create or replace temp table scope as {SqlScripts.Get("scope")}", parameters);
            }
            Execute($"create or replace temp table scope_audits as {SqlScripts.Get("scope_audits")}", parameters.Where(p => p.ParameterName == "vendors").ToArray());
            // Resolved reviews with handling hours (the threshold sweep's capacity estimate): the rollup's file, or the
            // same file's query over the reviews view for the cases in scope.
            Execute(rollup is null
                ? $"create or replace temp view review_source as {SqlScripts.Get("rollup_case_reviews")}"
                : $"create or replace temp view review_source as select * from {RollupRelation(rollup, "case_reviews")}");
            return body();
        }
        finally
        {
            Execute($"drop view if exists review_source; drop table if exists scope_audits; drop {(scopeIsView ? "view" : "table")} if exists scope; drop view if exists case_source; drop view if exists audit_source");
        }
    }

    /// <summary>
    /// Puts the filters into the one-row <c>scope_filter</c> table (after <see cref="UseRollupViews"/>, which creates the
    /// table anew and forgets the key); a call with the same filters as the previous one leaves the row as it is.
    /// </summary>
    private void SetScopeFilter(MetricFilters filters)
    {
        // JSON of the values: unambiguous whatever characters a value holds.
        var key = System.Text.Json.JsonSerializer.Serialize(new object?[]
        {
            filters.From, filters.To, filters.Weeks, filters.CaseTypes, filters.ModelVersions, filters.Regions, filters.Vendors,
        });
        if (key == _scopeFilterKey)
        {
            return;
        }

        _scopeFilterKey = null;
        ReadRowsPrepared("delete from scope_filter");
        ReadRowsPrepared(SqlScripts.Get("scope_filter"), FilterParameters(filters));
        _scopeFilterKey = key;
    }

    private static bool IsUnfiltered(MetricFilters f) =>
        f.From is null && f.To is null && f.Weeks.Count == 0 && f.CaseTypes.Count == 0 && f.ModelVersions.Count == 0
        && f.Regions.Count == 0 && f.Vendors.Count == 0;

    /// <summary>
    /// Runs <paramref name="body"/> with the in-scope daily aggregates <c>scope_daily</c>, <c>scope_daily_calibration</c>,
    /// ... (one relation per <see cref="AggregateTables"/> entry) in place. With a fresh rollup they are views over the
    /// published daily rollups (loaded into memory once per rollup version) filtered by the call's one-row
    /// <c>scope_filter</c>, so no per-case data is read; otherwise they are temp tables aggregated from the case scope by
    /// the same <c>rollups/rollup_daily*.sql</c> files the rollup is built with, so both ways give the same figures.
    /// Call under the gate.
    /// </summary>
    internal T WithAggregates<T>(MetricFilters filters, Func<string?, T> body, MetricsDetail detail = MetricsDetail.Full)
    {
        var rollup = RollupToRead();
        LastMetricsFromDailyRollup = rollup is not null;
        if (rollup is not null)
        {
            LastScopeFromRollup = true;
            UseRollupViews(rollup, detail == MetricsDetail.Full);
            SetScopeFilter(filters);
            var threads = detail == MetricsDetail.Overview ? OverviewThreads : null;
            if (threads is null)
            {
                return body(rollup);
            }

            Execute($"set threads = {threads.Value}");
            try
            {
                return body(rollup);
            }
            finally
            {
                Execute("reset threads");
            }
        }

        DropRollupViews();
        // The resolution values (quantiles) and the reviewer-grain tables (quality) only serve the full detail.
        var tables = AggregateTables.Where(t => !AnalysisTables.Contains(t) && (detail == MetricsDetail.Full || !FullDetailTables.Contains(t))).ToList();
        try
        {
            return WithScope(filters, () =>
            {
                foreach (var table in tables)
                {
                    Execute($"create or replace temp table scope_{table} as {SqlScripts.Get($"rollup_{table}")}");
                }

                Execute($"create or replace temp table {OpenHours} as {OpenHoursOf("scope_daily_open")}");
                Execute($"create or replace temp table {CalibrationMap} as {CalibrationMapOf($"({SqlScripts.Get("calibration_map_cases").Replace("{{cases}}", IsUnfiltered(filters) ? "scope" : "cases", StringComparison.Ordinal)})")}");

                Execute($"create or replace temp view {SopCatalogue} as select * from sop_coverage");
                return body(null);
            });
        }
        finally
        {
            Execute(string.Concat(AggregateTables.Select(t => $"drop table if exists scope_{t};")) + $"drop table if exists {OpenHours}; drop table if exists {CalibrationMap}; drop view if exists {SopCatalogue};");
        }
    }

    /// <summary>
    /// Makes <c>scope_&lt;table&gt;</c> the filtered views over the rollup version <paramref name="rollup"/>. The small
    /// daily tables are copied into memory once per version; the tables only the full detail reads are bound when
    /// <paramref name="full"/> first asks for them — the reviewer-grain ones copied too, the resolution values (which
    /// grow with the cases) left in Parquet.
    /// </summary>
    private void UseRollupViews(string rollup, bool full)
    {
        if (_rollupViews != rollup)
        {
            DropRollupViews();
            // Pinned while bound: a fold removes an older version only when no reader holds it (Warehouse.Fold.cs).
            _rollupPin?.Dispose();
            _rollupPin = PinRollup(rollup);
            // A binding cut short (an error, an interrupted call) left _rollupViews null: start the statement lists anew.
            _scopeViewStatements.Clear();
            _fullScopeViewStatements.Clear();
            _rollupFullBound = false;
            _rollupAnalysisBound = false;
            _rollupGeneration++;
            Execute(SqlScripts.Get("scope_filter_table"));
            _scopeFilterKey = null;
            foreach (var table in AggregateTables.Where(t => !FullDetailTables.Contains(t) && !AnalysisTables.Contains(t)))
            {
                BindRollupTable(rollup, table, _scopeViewStatements);
            }

            // The SOP catalogue is a rollup source too (its files count for freshness): copied once per version as well.
            Execute($"create or replace table rollup_{SopCatalogue} as select * from sop_coverage");
            var sopView = $"create or replace temp view {SopCatalogue} as select * from rollup_{SopCatalogue}";
            Execute(sopView);
            _scopeViewStatements.Add(sopView);
            _rollupViews = rollup;
        }

        if (full && !_rollupFullBound)
        {
            _fullScopeViewStatements.Clear();
            foreach (var table in FullDetailTables)
            {
                BindRollupTable(rollup, table, _fullScopeViewStatements);
            }

            _rollupFullBound = true;
        }
    }

    /// <summary>Runs the binding of one table; its temp views (this connection's own) are kept for the workers to replay.</summary>
    private void BindRollupTable(string rollup, string table, List<string> viewStatements)
    {
        foreach (var statement in RollupBinding(rollup, table))
        {
            Execute(statement);
            if (statement.StartsWith("create or replace temp view ", StringComparison.Ordinal))
            {
                viewStatements.Add(statement);
            }
        }
    }

    /// <summary>
    /// The statements that bind one daily rollup table of <paramref name="rollup"/> as the filtered view
    /// <c>scope_&lt;table&gt;</c> (public for the benchmark's direct path).
    /// </summary>
    public static IReadOnlyList<string> RollupBinding(string rollup, string table)
    {
        var statements = new List<string>();
        var source = $"read_parquet('{Quote(Path.Combine(rollup, table + ".parquet"))}')";
        string Scope(string relation) => SqlScripts.Get("rollup_scope").Replace("{{table}}", relation, StringComparison.Ordinal);
        // A rollup loaded twice (per vendor set, and its vendor-collapsed copy _any_vendor): rollup_scope_vendors picks the side.
        string VendorScope(string relation) => SqlScripts.Get("rollup_scope_vendors")
            .Replace("{{any_vendor}}", Scope($"{relation}_any_vendor"), StringComparison.Ordinal)
            .Replace("{{by_vendor}}", Scope(relation), StringComparison.Ordinal);
        string scope;
        if (ParquetBoundTables.Contains(table))
        {
            statements.Add($"create or replace view rollup_{table} as select * from {source}");
            scope = Scope($"rollup_{table}");
        }
        else if (CollapseKeys.TryGetValue(table, out var keys))
        {
            statements.Add($"create or replace table rollup_{table} as select * from {source}");
            var keyList = string.Concat(keys.Select(k => ", " + k));
            statements.Add($"create or replace table rollup_{table}_any_vendor as "
                + SqlScripts.Get("rollup_collapse").Replace("{{keys}}", keyList, StringComparison.Ordinal).Replace("{{table}}", $"rollup_{table}", StringComparison.Ordinal));
            scope = VendorScope($"rollup_{table}");
        }
        else
        {
            statements.Add($"create or replace table rollup_{table} as select * from {source}");
            scope = Scope($"rollup_{table}");
        }

        if (AuditTables.Contains(table))
        {
            scope = SqlScripts.Get("rollup_scope_audits").Replace("{{scope}}", scope, StringComparison.Ordinal);
        }

        statements.Add($"create or replace temp view scope_{table} as {scope}");
        if (table == UnlabeledTable)
        {
            // The calibration map ignores the filters: one table per version from the whole daily_calibration rollup.
            statements.Add($"create or replace table rollup_calibration_map as {CalibrationMapOf("rollup_daily_calibration")}");
            statements.Add($"create or replace temp view {CalibrationMap} as select * from rollup_calibration_map");
        }

        if (table == OpenTable)
        {
            // The open cases per hour (open_hours.sql), derived in memory from both loaded copies, filtered the same way.
            statements.Add($"create or replace table rollup_{OpenTable}_hours as {OpenHoursOf($"rollup_{table}")}");
            statements.Add($"create or replace table rollup_{OpenTable}_hours_any_vendor as {OpenHoursOf($"rollup_{table}_any_vendor")}");
            statements.Add($"create or replace temp view {OpenHours} as {VendorScope($"rollup_{OpenTable}_hours")}");
        }

        return statements;
    }

    /// <summary>Drops the rollup scope views and their in-memory tables (before the raw path creates its own relations).</summary>
    private void DropRollupViews()
    {
        ForgetPreparedCommands();
        if (_rollupViews is null)
        {
            return;
        }

        foreach (var table in AggregateTables)
        {
            Execute($"drop view if exists scope_{table}");
            Execute(ParquetBoundTables.Contains(table) ? $"drop view if exists rollup_{table}" : $"drop table if exists rollup_{table}; drop table if exists rollup_{table}_any_vendor");
        }

        Execute($"drop view if exists {OpenHours}; drop table if exists rollup_{OpenTable}_hours; drop table if exists rollup_{OpenTable}_hours_any_vendor");
        Execute($"drop view if exists {CalibrationMap}; drop table if exists rollup_calibration_map");

        Execute($"drop table if exists scope_filter; drop view if exists {SopCatalogue}; drop table if exists rollup_{SopCatalogue}");
        _scopeViewStatements.Clear();
        _fullScopeViewStatements.Clear();
        _rollupViews = null;
        _rollupFullBound = false;
        _rollupAnalysisBound = false;
    }

    /// <summary>Runs the named metric script inside the aggregates of <paramref name="filters"/> (dbt-style tests, analysis).</summary>
    internal List<Dictionary<string, object?>> RunMetric(string name, MetricFilters filters, params DuckDBParameter[] parameters)
    {
        lock (_gate)
        {
            EnsureViews();
            return WithAggregates(filters, _ => ReadRows(SqlScripts.Get(name), parameters));
        }
    }

    /// <summary>Runs a named script (or SQL text) and returns its rows as column → value maps (DBNull as null).</summary>
    internal List<Dictionary<string, object?>> ReadRows(string sql, params DuckDBParameter[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return ReadRows(command, parameters);
    }

    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="parameters"/> (replacing any it had). A command kept between
    /// calls keeps its prepared statement, so DuckDB parses, binds and plans its text once.
    /// </summary>
    private static List<Dictionary<string, object?>> ReadRows(DuckDBCommand command, DuckDBParameter[] parameters)
    {
        command.Parameters.Clear();
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return Interruptible(command, () =>
        {
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object?>>();
            while (reader.Read())
            {
                var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            // Moving past the last result lets the command mark its statements prepared (DuckDB.NET sets that flag only
            // once the statement list has been enumerated to the end); otherwise a kept command re-prepares every time.
            reader.NextResult();
            return rows;
        });
    }

    /// <summary>Runs statements that return nothing.</summary>
    internal void Execute(string sql, params DuckDBParameter[] parameters) => Execute(_connection, sql, parameters);

    /// <summary>Runs statements that return nothing on <paramref name="connection"/> (this warehouse's or a rollup worker's).</summary>
    private static void Execute(DuckDBConnection connection, string sql, params DuckDBParameter[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        Interruptible(command, command.ExecuteNonQuery);
    }

    private static readonly AsyncLocal<CancellationToken> FlowCancellation = new();
    private static long _interruptedStatements;

    /// <summary>Statements of any warehouse in this process stopped by a cancelled <see cref="CancelWhen"/> scope.</summary>
    public static long InterruptedStatements => Interlocked.Read(ref _interruptedStatements);

    /// <summary>The token of the innermost <see cref="CancelWhen"/> scope of this flow (none outside one).</summary>
    public static CancellationToken FlowCancellationToken => FlowCancellation.Value;

    /// <summary>
    /// Until the returned scope is disposed, every statement this flow runs on any warehouse (the rollup workers it starts
    /// included) is bound to <paramref name="token"/>: once it is cancelled no new statement starts and the running one is
    /// interrupted inside DuckDB (<see cref="DuckDBCommand.Cancel"/>, i.e. <c>duckdb_interrupt</c> on its connection), so
    /// the call throws <see cref="OperationCanceledException"/> and the connection is free for the next caller at once.
    /// Clean-up statements (<c>drop</c>, <c>reset</c>) always run to the end, so a cancelled call leaves the shared
    /// connection exactly as a finished one does. The scope must be disposed on the flow that created it.
    /// </summary>
    public static IDisposable CancelWhen(CancellationToken token)
    {
        var previous = FlowCancellation.Value;
        FlowCancellation.Value = token;
        return new CancellationScope(previous);
    }

    private sealed class CancellationScope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => FlowCancellation.Value = previous;
    }

    /// <summary>Runs one command under the flow's cancellation (<see cref="CancelWhen"/>).</summary>
    private static T Interruptible<T>(DuckDBCommand command, Func<T> run)
    {
        var token = FlowCancellation.Value;
        if (!token.CanBeCanceled || IsCleanup(command.CommandText))
        {
            return run();
        }

        token.ThrowIfCancellationRequested();
        var registration = token.Register(() =>
        {
            try
            {
                command.Cancel();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
                // The command finished in the same instant; an interrupt of an idle connection is cleared by its next query.
            }
        });
        try
        {
            return run();
        }
        catch (Exception ex) when (token.IsCancellationRequested)
        {
            Interlocked.Increment(ref _interruptedStatements);
            throw ex as OperationCanceledException ?? new OperationCanceledException("the statement was interrupted", ex, token);
        }
        finally
        {
            // Waits for a callback running right now, so no interrupt outlives this statement.
            registration.Dispose();
        }
    }

    private static bool IsCleanup(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return text.StartsWith("drop ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("reset ", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>(Re)creates the views when the files they read have changed since they were bound.</summary>
    internal void EnsureViews()
    {
        var files = FoldersWithFiles();
        if (files.Key == _boundFolders)
        {
            return;
        }

        foreach (var name in ViewNames)
        {
            Execute(BindView(name, files));
        }

        _boundFolders = files.Key;
    }

    /// <summary>File name prefix of compaction's output (the ETL's <c>CompactionJob</c>): its rows are manifested rows.</summary>
    internal const string CompactedPrefix = "part-compacted-";

    private BoundLake? _lakeFiles;
    private string? _lakeFilesStamp;
    private long _lakeFilesGeneration;
    private readonly Dictionary<string, (long Length, DateTime Written, string? Problem)> _fileProblems = new(StringComparer.Ordinal);

    /// <summary>
    /// The lake files the warehouse reads (docs/lake.md, "What the warehouse reads"): in a lake whose manifests list their
    /// files, only the files a manifest lists and compaction's output, minus files that cannot be read; recomputed only
    /// when the manifest log changes (one directory stat per call) or after a read found a file gone or damaged. A lake
    /// whose manifests list no file (built by hand, or before manifests listed files) is read by the public globs.
    /// </summary>
    private BoundLake FoldersWithFiles()
    {
        var stamp = ManifestLog.ChangeStamp(LakeRoot);
        if (_lakeFiles is null || stamp != _lakeFilesStamp)
        {
            _lakeFilesStamp = stamp;
            _lakeFiles = ListLakeFiles();
        }

        return _lakeFiles.Lists is null ? BoundLake.Globs(LakeRoot, PublicFolders()) : _lakeFiles;
    }

    /// <summary>Forgets the listed files, so the next read lists them anew (a compaction swapped some, or one is damaged).</summary>
    private void ForgetLakeFiles() => _lakeFiles = null;

    /// <summary>The files a read found unreadable since the manifest log last changed, lake-relative, in path order.</summary>
    public IReadOnlyList<LakeFileProblem> UnreadableFiles()
    {
        lock (_gate)
        {
            return FoldersWithFiles().Unreadable;
        }
    }

    private BoundLake ListLakeFiles()
    {
        var listed = ManifestLog.ListedFiles(LakeRoot);
        if (listed.Count == 0)
        {
            return BoundLake.Globs(LakeRoot, PublicFolders());
        }

        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var unreadable = new List<LakeFileProblem>();
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in SourceFolders)
        {
            var files = new List<string>();
            var path = Path.Combine(LakeRoot, folder);
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath(LakeRoot, file).Replace(Path.DirectorySeparatorChar, '/');
                    if (!listed.Contains(relative) && !Path.GetFileName(file).StartsWith(CompactedPrefix, StringComparison.Ordinal))
                    {
                        // Not (yet) published: a batch in the seconds of its publish, a crashed one before recovery, a stray.
                        continue;
                    }

                    live.Add(file);
                    if (FileProblem(file) is { } problem)
                    {
                        unreadable.Add(new LakeFileProblem(relative, problem));
                        continue;
                    }

                    files.Add(file);
                }
            }

            lists[folder] = files;
        }

        foreach (var gone in _fileProblems.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _fileProblems.Remove(gone);
        }

        return new BoundLake(LakeRoot, lists, [], unreadable, $"list:{++_lakeFilesGeneration}");
    }

    /// <summary>Why one lake file cannot be read (its Parquet frame is broken, or a read failed on it); null when sound.</summary>
    private string? FileProblem(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }
        }
        catch (IOException)
        {
            return null;
        }

        if (_fileProblems.TryGetValue(path, out var known) && known.Length == info.Length && known.Written == info.LastWriteTimeUtc)
        {
            return known.Problem;
        }

        var problem = ParquetFrameProblem(path, info.Length);
        _fileProblems[path] = (info.Length, info.LastWriteTimeUtc, problem);
        return problem;
    }

    /// <summary>
    /// Marks the bound lake file an error names as unreadable (a damaged page behind a sound frame), so the next binding
    /// leaves it out; false when the error names no such file.
    /// </summary>
    private bool MarkUnreadable(DuckDBException error)
    {
        if (_lakeFiles?.Lists is null)
        {
            return false;
        }

        var root = LakeRoot + Path.DirectorySeparatorChar;
        foreach (Match match in Regex.Matches(error.Message, @"[""']([^""'\r\n]+\.parquet)[""']"))
        {
            var path = Path.GetFullPath(match.Groups[1].Value);
            if (path.StartsWith(root, StringComparison.Ordinal) && File.Exists(path) && (!_fileProblems.TryGetValue(path, out var known) || known.Problem is null))
            {
                var info = new FileInfo(path);
                _fileProblems[path] = (info.Length, info.LastWriteTimeUtc, error.Message.Split('\n')[0]);
                ForgetLakeFiles();
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What is wrong with a Parquet file's frame: too short, no <c>PAR1</c> magic at either end, or a footer longer than
    /// the file (what a truncated copy or a crash mid-write leaves). Reads 12 bytes; null when the frame is sound.
    /// </summary>
    internal static string? ParquetFrameProblem(string path, long length)
    {
        if (length < 12)
        {
            return $"{length} bytes: too small to be a Parquet file";
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16);
            Span<byte> head = stackalloc byte[4];
            stream.ReadExactly(head);
            Span<byte> tail = stackalloc byte[8];
            stream.Seek(-8, SeekOrigin.End);
            stream.ReadExactly(tail);
            if (!head.SequenceEqual("PAR1"u8))
            {
                return "no PAR1 magic at the start";
            }

            if (!tail[4..].SequenceEqual("PAR1"u8))
            {
                return "no PAR1 magic at the end (truncated?)";
            }

            var footer = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail[..4]);
            return footer + 12L > length ? $"footer of {footer} bytes does not fit in {length} bytes (truncated?)" : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "cannot be read: " + ex.Message;
        }
    }

    /// <summary>The source folders holding at least one Parquet file (what the public globs can read).</summary>
    private HashSet<string> PublicFolders()
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in SourceFolders)
        {
            var path = Path.Combine(LakeRoot, folder);
            if (Directory.Exists(path) && Directory.EnumerateFiles(path, "*.parquet", SearchOption.AllDirectories).Any())
            {
                folders.Add(folder);
            }
        }

        return folders;
    }

    /// <summary>
    /// A view file with its <c>{{lake}}</c> placeholder replaced by the absolute lake root and each kind folder's read
    /// bound as <paramref name="files"/> says: the listed files, the public glob, or (no file yet) the view's own empty
    /// <c>typed</c> relation, since <c>read_parquet</c> of nothing fails.
    /// </summary>
    private string BindView(string name, BoundLake files)
    {
        var sql = SqlScripts.Get(name).Replace("{{lake}}", Quote(LakeRoot), StringComparison.Ordinal);
        foreach (var folder in SourceFolders)
        {
            sql = sql.Replace(BoundLake.Glob(LakeRoot, folder), files.Read(folder) ?? "typed", StringComparison.Ordinal);
        }

        return sql;
    }

    /// <summary>A path as the inside of a SQL string literal (forward slashes, quotes doubled).</summary>
    internal static string Quote(string path) => path.Replace('\\', '/').Replace("'", "''", StringComparison.Ordinal);

    private static void ValidateWeek(string week)
    {
        if (SplitWeek(week) is not ({ } year, { } number))
        {
            throw new InvalidFilterException($"--week '{week}' is not an ISO week (expected YYYY-Www, e.g. 2026-W47)");
        }

        if (year < 1 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            throw new InvalidFilterException($"--week '{week}' does not exist ({year} has {(year < 1 ? 0 : ISOWeek.GetWeeksInYear(year))} ISO weeks)");
        }
    }

    /// <summary>The year and week number of text shaped <c>YYYY-Www</c> (not checked to exist); null otherwise.</summary>
    private static (int Year, int Number)? SplitWeek(string week)
    {
        var match = Regex.Match(week, @"^(\d{4})-W(\d{2})$");
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Parses <c>YYYY-Www</c> to the Monday of that ISO week; false when malformed or nonexistent.</summary>
    internal static bool TryParseWeek(string week, out DateTime monday)
    {
        monday = default;
        if (SplitWeek(week) is not ({ } year, { } number) || year < 1 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            return false;
        }

        monday = ISOWeek.ToDateTime(year, number, DayOfWeek.Monday);
        return true;
    }

    /// <summary>Converts a DuckDB value (BIGINT, HUGEINT, DECIMAL, INTEGER...) to long.</summary>
    internal static long ToLong(object? value) => value switch
    {
        null => 0,
        BigInteger big => (long)big,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Converts a DuckDB value to double, null staying null and NaN becoming null (never NaN in a report).</summary>
    internal static double? ToDouble(object? value)
    {
        double? result = value switch
        {
            null => null,
            BigInteger big => (double)big,
            _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        };
        return result is { } d && (double.IsNaN(d) || double.IsInfinity(d)) ? null : result;
    }
}

/// <summary>A query <see cref="Warehouse.Query"/> refuses (not one read-only statement). The message is one line.</summary>
public sealed class InvalidQueryException(string message) : Exception(message);

/// <summary>One lake file the warehouse leaves out because it cannot be read.</summary>
/// <param name="File">The path relative to the lake root, '/'-separated.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record LakeFileProblem(string File, string Reason);

/// <summary>How the raw views read each kind folder: a list of files, or the public glob.</summary>
internal sealed class BoundLake
{
    private readonly string _root;
    private readonly HashSet<string> _globFolders;

    internal BoundLake(string root, IReadOnlyDictionary<string, IReadOnlyList<string>>? lists, HashSet<string> globFolders, IReadOnlyList<LakeFileProblem> unreadable, string key)
    {
        _root = root;
        Lists = lists;
        _globFolders = globFolders;
        Unreadable = unreadable;
        Key = key;
    }

    /// <summary>The files per kind folder; null when the folders are read by their globs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Lists { get; }

    /// <summary>Listed files left out as unreadable.</summary>
    public IReadOnlyList<LakeFileProblem> Unreadable { get; }

    /// <summary>Changes whenever the binding would.</summary>
    public string Key { get; }

    /// <summary>The globs over the folders that hold files (the public interface; also lakes without manifested files).</summary>
    public static BoundLake Globs(string root, HashSet<string> folders) =>
        new(root, null, folders, [], "glob:" + string.Join(",", folders.Order(StringComparer.Ordinal)));

    /// <summary>The public read of one kind folder, as the view files write it (with the lake root bound).</summary>
    public static string Glob(string root, string folder) =>
        $"read_parquet('{Warehouse.Quote(root)}/{folder}/**/*.parquet', hive_partitioning = true, union_by_name = true)";

    /// <summary>True when the folder has something to read.</summary>
    public bool Contains(string folder) => Lists is null ? _globFolders.Contains(folder) : Lists.TryGetValue(folder, out var files) && files.Count > 0;

    /// <summary>The read of one kind folder; null when it has nothing to read.</summary>
    public string? Read(string folder)
    {
        if (!Contains(folder))
        {
            return null;
        }

        if (Lists is null)
        {
            return Glob(_root, folder);
        }

        var files = string.Join(", ", Lists[folder].Select(f => "'" + Warehouse.Quote(f) + "'"));
        return $"read_parquet([{files}], hive_partitioning = true, union_by_name = true)";
    }
}

/// <summary>A tabular answer.</summary>
public sealed record QueryResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);
