using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using RiskOps.Web.Jobs;

namespace RiskOps.Production.Tests.Support;

/// <summary>The test's side of a shared Hangfire database: enqueue jobs (no server here) and watch their states.</summary>
public sealed class JobBoard
{
    private readonly JobStorage _storage;
    private readonly BackgroundJobClient _client;

    /// <summary>Opens the Hangfire database (creating its schema).</summary>
    public JobBoard(string connectionString)
    {
        HangfireGlobals.EnsureInitialized();
        _storage = HangfireStorage.CreatePostgres(connectionString, new JobsOptions { QueuePollInterval = TimeSpan.FromMilliseconds(250) });
        _client = new BackgroundJobClient(_storage);
    }

    /// <summary>Enqueues an <see cref="IngestFileJob"/> per file on the <c>ingest</c> queue.</summary>
    public List<string> EnqueueIngest(IEnumerable<string> files) =>
        files.Select(f => _client.Create<IngestFileJob>(j => j.RunAsync(f, "decisions", CancellationToken.None), new EnqueuedState(JobQueues.Ingest))).ToList();

    /// <summary>The state name of each job.</summary>
    public Dictionary<string, string?> States(IEnumerable<string> jobIds)
    {
        using var connection = _storage.GetConnection();
        return jobIds.ToDictionary(id => id, id => connection.GetStateData(id)?.Name);
    }

    /// <summary>Jobs currently in the Processing state.</summary>
    public long ProcessingCount() => _storage.GetMonitoringApi().ProcessingCount();

    /// <summary>The server ids that ran each job (one entry per Processing state in its history).</summary>
    public List<string> ProcessingServers(string jobId) =>
        (_storage.GetMonitoringApi().JobDetails(jobId)?.History ?? [])
            .Where(h => h.StateName == ProcessingState.StateName)
            .Select(h => h.Data.TryGetValue("ServerId", out var server) ? server : "?")
            .ToList();

    /// <summary>Waits until every job succeeded; fails with the states and worker output when a job fails or time runs out.</summary>
    public async Task WaitAllSucceededAsync(IReadOnlyCollection<string> jobIds, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        Dictionary<string, string?> states = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                states = States(jobIds);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                // The database may be restarting in a test; look again shortly.
                await Task.Delay(250);
                continue;
            }

            if (states.Values.Any(s => s == FailedState.StateName))
            {
                break;
            }

            if (states.Values.All(s => s == SucceededState.StateName))
            {
                return;
            }

            await Task.Delay(200);
        }

        var summary = string.Join(", ", states.GroupBy(s => s.Value ?? "none").Select(g => $"{g.Key}={g.Count()}"));
        Assert.Fail($"jobs did not all succeed within {timeout}: {summary}\n{diagnostics()}");
    }

    /// <summary>The recurring jobs registered in the database.</summary>
    public List<RecurringJobDto> RecurringJobs()
    {
        using var connection = _storage.GetConnection();
        return connection.GetRecurringJobs();
    }

    /// <summary>Registers a recurring job as an older configuration would have (to prove an empty cron removes it).</summary>
    public void AddStaleRecurringJob(string id) =>
        new RecurringJobManager(_storage).AddOrUpdate<IngestFileJob>(id, JobQueues.Default, j => j.RunAsync("stale", null, CancellationToken.None), "0 0 * * *");
}
