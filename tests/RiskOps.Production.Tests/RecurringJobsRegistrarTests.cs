using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RiskOps.Production.Tests.Support;
using RiskOps.Web.Jobs;

namespace RiskOps.Production.Tests;

/// <summary>The recurring jobs a worker registers on PostgreSQL storage, from configuration.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RecurringJobsRegistrarTests(PostgresFixture postgres)
{
    [Fact]
    public async Task StartAsync_CronsFromConfiguration_RegistersJobsOnTheirQueuesAndRemovesDisabledOnes()
    {
        var hangfire = await postgres.CreateDatabaseAsync("hf_recurring");
        using var lake = new TestLake("recurring");
        string[] args =
        [
            $"--ConnectionStrings:Hangfire={hangfire}",
            // Production mode (a Hangfire connection string) refuses to start without a stable hash key.
            $"--Lake:HashKey={WorkerProcess.HashKey}",
            "--Jobs:LandingScanCron=*/2 * * * *",
            "--Jobs:RollupCron=",
            "--Sources:Postgres:ConnectionString=Host=127.0.0.1;Database=cases",
            "--Sources:Postgres:Cron=0 * * * *",
        ];
        var board = new JobBoard(hangfire);
        board.AddStaleRecurringJob(RecurringJobsRegistrar.RollupId);

        using (var host = WorkerHost.Build(lake.Lake, args))
        {
            var registrar = host.Services.GetServices<IHostedService>().OfType<RecurringJobsRegistrar>().Single();
            await registrar.StartAsync(CancellationToken.None);
        }

        HangfireGlobals.ResetLogProvider();

        var jobs = board.RecurringJobs().ToDictionary(j => j.Id);
        Assert.Equal([RecurringJobsRegistrar.CompactionId, RecurringJobsRegistrar.LandingScanId, RecurringJobsRegistrar.PostgresExtractId], jobs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("*/2 * * * *", JobQueues.Ingest), (jobs[RecurringJobsRegistrar.LandingScanId].Cron, jobs[RecurringJobsRegistrar.LandingScanId].Job.Queue));
        Assert.Equal(("17 * * * *", JobQueues.Maintenance), (jobs[RecurringJobsRegistrar.CompactionId].Cron, jobs[RecurringJobsRegistrar.CompactionId].Job.Queue));
        Assert.Equal(("0 * * * *", JobQueues.Ingest), (jobs[RecurringJobsRegistrar.PostgresExtractId].Cron, jobs[RecurringJobsRegistrar.PostgresExtractId].Job.Queue));
        Assert.All(jobs.Values, j => Assert.Equal("UTC", j.TimeZoneId));
    }
}
