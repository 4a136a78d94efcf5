using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Jobs;

namespace RiskOps.Etl.Tests;

/// <summary>Landed files hold clear user ids: the landing folder keeps them only as long as configured.</summary>
public sealed class LandingRetentionTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private string Landing => Path.Combine(_lake.Root, "landing");

    [Fact]
    public async Task RunAsync_Defaults_LandedFileDeletedFailedOneKeptSevenDays()
    {
        Directory.CreateDirectory(Landing);
        File.WriteAllText(Path.Combine(Landing, "decisions_1.csv"), Samples.Decisions);
        File.WriteAllText(Path.Combine(Landing, "garbage.csv"), "x,y\n1,2\n");
        var job = Job(new EtlOptions());

        var first = await job.RunAsync(CancellationToken.None);

        Assert.Equal(1, first.Processed);
        Assert.Equal(3, _lake.Count("decisions"));
        Assert.DoesNotContain(Directory.GetFiles(Landing, "*", SearchOption.AllDirectories), f => !f.Contains("/failed/", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Landing, "failed", "garbage.csv")));

        _lake.Time.Advance(TimeSpan.FromDays(6.9));
        await job.RunAsync(CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(Landing, "failed", "garbage.csv")));

        _lake.Time.Advance(TimeSpan.FromDays(0.2));
        await job.RunAsync(CancellationToken.None);
        Assert.Empty(Directory.GetFiles(Path.Combine(Landing, "failed")));
    }

    [Fact]
    public async Task RunAsync_ProcessedRetentionTwoDays_KeptThenDeleted()
    {
        Directory.CreateDirectory(Landing);
        File.WriteAllText(Path.Combine(Landing, "decisions_1.csv"), Samples.Decisions);
        var job = Job(new EtlOptions { ProcessedRetentionDays = 2, FailedRetentionDays = 0 });

        await job.RunAsync(CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(Landing, "processed", "decisions_1.csv")));

        _lake.Time.Advance(TimeSpan.FromDays(1));
        File.WriteAllText(Path.Combine(Landing, "garbage.csv"), "x,y\n1,2\n");
        await job.RunAsync(CancellationToken.None);
        Assert.True(File.Exists(Path.Combine(Landing, "processed", "decisions_1.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Landing, "failed")));

        _lake.Time.Advance(TimeSpan.FromDays(1.1));
        await job.RunAsync(CancellationToken.None);
        Assert.Empty(Directory.GetFiles(Path.Combine(Landing, "processed")));
    }

    [Fact]
    public async Task RunAsync_UnreadableFileWithUserIds_ReasonFileHoldsNoRecordText()
    {
        Directory.CreateDirectory(Landing);
        File.WriteAllText(Path.Combine(Landing, "export.csv"), "C1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,SECRET-UID-1,,\n");

        var result = await Job(new EtlOptions()).RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Failed);
        var reason = File.ReadAllText(Path.Combine(Landing, "failed", "export.csv.reason.txt"));
        Assert.Contains("cannot tell the record kind", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-UID", reason, StringComparison.Ordinal);
    }

    private LandingScanJob Job(EtlOptions options) =>
        new(_lake.Pipeline(), Options.Create(options), NullLogger<LandingScanJob>.Instance, _lake.Time);
}
