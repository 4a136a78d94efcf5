using RiskOps.Production.Tests.Support;

namespace RiskOps.Production.Tests;

/// <summary>
/// <c>riskops worker</c> processes on one PostgreSQL Hangfire database: a shared backlog drains with every record landed
/// once, a worker killed mid-job has its job retried elsewhere, and a database restart does not lose work.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WorkerHostTests(PostgresFixture postgres)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RunAsync_TwoWorkerProcessesDrainBacklog_EveryRecordLandsOnce()
    {
        using var lake = new TestLake("drain");
        var hangfire = await postgres.CreateDatabaseAsync("hf_drain");
        var board = new JobBoard(hangfire);
        var files = lake.WriteDecisionFiles(files: 12, rowsPerFile: 400);
        // Every file is delivered twice, as an at-least-once upstream would.
        var jobs = board.EnqueueIngest(files.Concat(files)).ToList();

        var environment = WorkerProcess.Environment(hangfire, workerCount: 2);
        await using var first = WorkerProcess.Start(lake.Lake, environment);
        await using var second = WorkerProcess.Start(lake.Lake, environment);
        await board.WaitAllSucceededAsync(jobs, DrainTimeout, () => first.Output + second.Output);

        var servers = jobs.SelectMany(board.ProcessingServers).Select(ServerProcess).Distinct().ToList();
        Assert.True(servers.Count == 2, $"both worker processes should take jobs; saw {string.Join(", ", servers)}");
        var counts = TestLake.Query($"select count(*), count(distinct case_id), count(distinct record_hash) from {TestLake.Scan(lake.Lake, "decisions")}").Single();
        Assert.Equal(["4800", "4800", "4800"], counts);
    }

    [Fact]
    public async Task RunAsync_WorkerKilledMidJob_JobRetriedAndLakeEqualsCleanRun()
    {
        using var lake = new TestLake("kill");
        var hangfire = await postgres.CreateDatabaseAsync("hf_kill");
        var board = new JobBoard(hangfire);
        var files = lake.WriteDecisionFiles(files: 4, rowsPerFile: 12_000);
        var jobs = board.EnqueueIngest(files);

        var environment = WorkerProcess.Environment(hangfire, workerCount: 1);
        string killedJob;
        await using (var doomed = WorkerProcess.Start(lake.Lake, environment))
        {
            killedJob = await WaitForProcessingJobAsync(board, jobs, doomed);
            await doomed.KillAsync();
        }

        await using var survivor = WorkerProcess.Start(lake.Lake, environment);
        await board.WaitAllSucceededAsync(jobs, DrainTimeout, () => survivor.Output);

        Assert.True(board.ProcessingServers(killedJob).Count >= 2, "the job the killed worker held should have run again");
        var reference = lake.OtherLake("clean");
        await TestPipelines.IngestAsync(reference, files);
        Assert.Equal(TestLake.DataFiles(reference), TestLake.DataFiles(lake.Lake));
        Assert.Equal(LakeRows(reference), LakeRows(lake.Lake));
        Assert.False(Directory.Exists(Path.Combine(lake.Lake, "_staging")) && Directory.EnumerateFileSystemEntries(Path.Combine(lake.Lake, "_staging")).Any(),
            "a later run should clean the killed run's staging leftovers");
    }

    [Fact]
    public async Task RunAsync_PostgresRestartedWhileJobsRun_ProcessingResumesWithoutLoss()
    {
        if (!postgres.OwnsServer)
        {
            // An external server (RISKOPS_TEST_PG) is not ours to restart; the other tests still run against it.
            return;
        }

        using var lake = new TestLake("pgrestart");
        var hangfire = await postgres.CreateDatabaseAsync("hf_restart");
        var board = new JobBoard(hangfire);
        var files = lake.WriteDecisionFiles(files: 10, rowsPerFile: 2_000);
        var jobs = board.EnqueueIngest(files);

        await using var worker = WorkerProcess.Start(lake.Lake, WorkerProcess.Environment(hangfire, workerCount: 2));
        await WaitForProcessingJobAsync(board, jobs, worker);
        await postgres.RestartAsync(TimeSpan.FromSeconds(1));
        await board.WaitAllSucceededAsync(jobs, DrainTimeout, () => worker.Output);

        Assert.True(worker.IsRunning, "the worker should survive the database restart");
        var counts = TestLake.Query($"select count(*), count(distinct case_id) from {TestLake.Scan(lake.Lake, "decisions")}").Single();
        Assert.Equal(["20000", "20000"], counts);
    }

    private static async Task<string> WaitForProcessingJobAsync(JobBoard board, IReadOnlyCollection<string> jobs, WorkerProcess worker)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var processing = board.States(jobs).FirstOrDefault(s => s.Value == "Processing").Key;
            if (processing is not null)
            {
                return processing;
            }

            Assert.True(worker.IsRunning, $"worker exited early:\n{worker.Output}");
            await Task.Delay(20);
        }

        Assert.Fail($"no job started within a minute:\n{worker.Output}");
        return string.Empty;
    }

    private static List<string> LakeRows(string lake) =>
        TestLake.Query($"select batch_id, source, source_line, record_hash, user_id, dt from {TestLake.Scan(lake, "decisions")} order by all")
            .Select(r => string.Join('|', r))
            .ToList();

    // Server ids look like "host:pid:guid"; the process is what matters here.
    private static string ServerProcess(string serverId) => string.Join(':', serverId.Split(':').Take(2));
}
