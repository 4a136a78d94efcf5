using System.Runtime.ExceptionServices;
using DuckDB.NET.Data;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// Connections that answer the statements of one metrics call over a bound rollup side by side (default 3: this
    /// warehouse's own plus two duplicates of its in-memory database). Each statement aggregates a few thousand
    /// in-memory rows, so its time is mostly DuckDB's fixed cost per statement (planning, scheduling, result hand-over),
    /// which overlaps across connections even on two cores. 1 runs them one after another on the warehouse's connection.
    /// </summary>
    public int RollupConnections
    {
        get => _rollupConnections;
        set => _rollupConnections = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least one connection");
    }

    private int _rollupConnections = 3;

    /// <summary>Duplicates of <see cref="_connection"/> (same in-memory database) used by <see cref="ReadRowsConcurrently"/>.</summary>
    private readonly List<RollupWorker> _workers = [];

    /// <summary>Bumped whenever the rollup relations are rebound: workers then rebind their temp views and drop prepared commands.</summary>
    private int _rollupGeneration;

    /// <summary>The statements that create this connection's temp relations over the bound rollup (replayed on each worker).</summary>
    private readonly List<string> _scopeViewStatements = [];

    /// <summary>The same for the tables only the full detail reads, once they are bound.</summary>
    private readonly List<string> _fullScopeViewStatements = [];

    /// <summary>
    /// Runs <paramref name="jobs"/> (statements over the bound rollup relations) on up to <see cref="RollupConnections"/>
    /// connections at once and returns their rows in the order of the jobs. The jobs only read: the one-row
    /// <c>scope_filter</c> and the in-memory rollup tables live in the shared database; each worker has its own temp
    /// views over them and its own prepared commands. Call under the gate, after the relations are bound.
    /// </summary>
    private List<Dictionary<string, object?>>[] ReadRowsConcurrently(IReadOnlyList<(string Sql, DuckDBParameter[] Parameters)> jobs)
    {
        var results = new List<Dictionary<string, object?>>[jobs.Count];
        // With one connection there are no workers: this thread drains every job in order.
        var connections = Math.Min(RollupConnections, jobs.Count);
        while (_workers.Count < connections - 1)
        {
            // A duplicate shares the database (tables, macros, settings) but not the session: opened, then given the
            // warehouse's session time zone like the warehouse's own connection.
            var duplicate = _connection.Duplicate();
            duplicate.Open();
            var worker = new RollupWorker(duplicate);
            worker.Execute("set TimeZone = 'UTC'");
            _workers.Add(worker);
        }

        var workers = _workers.Take(connections - 1).ToList();
        foreach (var worker in workers)
        {
            BindWorker(worker);
        }

        // Jobs are taken in order by whichever connection is free, so the caller lists the slowest first.
        var next = -1;
        var failed = 0;
        void Drain(Func<string, DuckDBParameter[], List<Dictionary<string, object?>>> read)
        {
            int i;
            while (Volatile.Read(ref failed) == 0 && (i = Interlocked.Increment(ref next)) < jobs.Count)
            {
                try
                {
                    results[i] = read(jobs[i].Sql, jobs[i].Parameters);
                }
                catch
                {
                    Interlocked.Exchange(ref failed, 1);
                    throw;
                }
            }
        }

        var tasks = workers.Select(w => Task.Run(() => Drain(w.ReadRowsPrepared))).ToArray();
        Exception? error = null;
        try
        {
            Drain(ReadRowsPrepared);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException ex)
        {
            error ??= ex.InnerExceptions[0];
        }

        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return results;
    }

    /// <summary>Gives <paramref name="worker"/> the temp views of the currently bound rollup version (once per version).</summary>
    private void BindWorker(RollupWorker worker)
    {
        if (worker.Generation != _rollupGeneration)
        {
            worker.ForgetPreparedCommands();
            foreach (var statement in _scopeViewStatements)
            {
                worker.Execute(statement);
            }

            worker.Generation = _rollupGeneration;
            worker.FullBound = 0;
        }

        for (; worker.FullBound < _fullScopeViewStatements.Count; worker.FullBound++)
        {
            worker.Execute(_fullScopeViewStatements[worker.FullBound]);
        }
    }

    private void DisposeWorkers()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _workers.Clear();
    }

    /// <summary>A duplicate connection with its own temp views and prepared commands; used by one thread at a time.</summary>
    private sealed class RollupWorker(DuckDBConnection connection) : IDisposable
    {
        private readonly PreparedCommands _commands = new(connection);

        /// <summary>The rollup generation its temp views were created for (-1: none).</summary>
        public int Generation { get; set; } = -1;

        /// <summary>How many of the full-detail view statements it has run.</summary>
        public int FullBound { get; set; }

        public void Execute(string sql) => Warehouse.Execute(connection, sql);

        public List<Dictionary<string, object?>> ReadRowsPrepared(string sql, DuckDBParameter[] parameters) => _commands.Read(sql, parameters);

        public void ForgetPreparedCommands() => _commands.Clear();

        public void Dispose()
        {
            _commands.Clear();
            connection.Dispose();
        }
    }

    /// <summary>Commands of one connection kept per SQL text, so each statement is prepared once (until cleared).</summary>
    private sealed class PreparedCommands(DuckDBConnection connection)
    {
        private readonly Dictionary<string, DuckDBCommand> _commands = new(StringComparer.Ordinal);

        public List<Dictionary<string, object?>> Read(string sql, DuckDBParameter[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }

            return ReadRows(command, parameters);
        }

        public void Clear()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
        }
    }
}
