using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Tests;

/// <summary>Quarantine replay and erasure against real lakes, checked with the independent DuckDB (tools/duckdb-check).</summary>
public sealed class LifecycleTests : IDisposable
{
    private const string Key = TestHost.HashKey;
    private const string QuarantineKey = TestHost.QuarantineKey;
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private LakeOptions Options(string? quarantineKey = QuarantineKey, string? root = null) =>
        new() { Root = root ?? _lake.Lake, HashKey = Key, QuarantineKey = quarantineKey };

    private IngestPipeline Pipeline(string? root = null) => new(Options(root: root), _lake.Time, NullLogger<IngestPipeline>.Instance);

    private QuarantineReplay Replay(string? quarantineKey = QuarantineKey) => new(Options(quarantineKey), _lake.Time, NullLogger.Instance);

    private Erasure Erasure(string? root = null) => new(Options(root: root), _lake.Time, NullLogger.Instance);

    private static string Hash(string id) => UserIdHasher.Create(new LakeOptions { HashKey = Key }, NullLogger.Instance).Hash(id);

    /// <summary>Five decisions: two good, one missing model_version (readable raw), one with confidence 9 (kept encrypted), one good of another user.</summary>
    private string Decisions(string name = "decisions_a.csv") => _lake.Write(name,
        Samples.DecisionsHeader + "\n" +
        "C1,ATO,2026-11-02T10:00:00Z,m-1,block,0.97,0.9,auto,80,user-alice,new_device,EU\n" +
        "C2,ATO,2026-11-02T11:00:00Z,m-1,pass,0.60,0.9,manual,10,user-bob,,EU\n" +
        "C3,ATO,2026-11-03T12:00:00Z,,pass,0.70,0.9,manual,10,user-carol,,EU\n" +
        "C4,ATO,2026-11-03T13:00:00Z,m-1,block,9,0.9,auto,90,user-alice,vpn_ip,EU\n" +
        "C5,ATO,2026-11-04T14:00:00Z,m-1,block,0.91,0.9,auto,20,user-dave,,APAC\n");

    private string Corrections(string batchId) => _lake.Write("corrections.ndjson",
        $"{{\"batch_id\":\"{batchId}\",\"line\":4,\"set\":{{\"model_version\":\"m-1\"}}}}\n" +
        $"{{\"batch_id\":\"{batchId}\",\"line\":5,\"set\":{{\"confidence\":0.95}}}}\n");

    private List<object?[]> QuarantineRows() => Directory.Exists(Path.Combine(_lake.Lake, "quarantine"))
        && Directory.EnumerateFiles(Path.Combine(_lake.Lake, "quarantine"), "*.parquet", SearchOption.AllDirectories).Any()
        ? TestLake.Query($"select batch_id, line, reason from {_lake.Glob("quarantine")} order by batch_id, line")
        : [];

    [Fact]
    public async Task ReplayAsync_WithCorrections_LandsOnceWithLineageLeavesQuarantineAndSecondReplayIsNoop()
    {
        var ingest = await Pipeline().IngestFileAsync(Decisions(), null, CancellationToken.None);
        Assert.Equal(3, ingest.Landed);
        Assert.Equal(2, QuarantineRows().Count);
        var corrections = Corrections(ingest.BatchId);

        var result = await Replay().ReplayAsync(ingest.BatchId, corrections, CancellationToken.None);

        var kind = Assert.Single(result.Kinds);
        Assert.Equal(2, kind.Landed);
        Assert.Equal(2, kind.QuarantineRemoved);
        Assert.Equal(2L, kind.LakeVersion);
        Assert.Empty(QuarantineRows());
        // Lineage: the original source and line; user ids hashed exactly once (readable raw held the hash already).
        var rows = TestLake.Query($"select case_id, user_id, source, source_line, batch_id, model_version, confidence from {_lake.Glob("decisions")} where case_id in ('C3', 'C4') order by case_id");
        Assert.Equal(Hash("user-carol"), rows[0][1]);
        Assert.Equal(Hash("user-alice"), rows[1][1]);
        Assert.Equal(Path.Combine(_lake.Input, "decisions_a.csv"), rows[0][2]);
        Assert.Equal(4L, rows[0][3]);
        Assert.Equal(5L, rows[1][3]);
        Assert.Equal(kind.BatchId, rows[0][4]);
        Assert.Equal("m-1", rows[0][5]);
        Assert.Equal(0.95, rows[1][6]);
        var manifest = BatchManifest.TryRead(LakeLayout.ManifestPath(_lake.Lake, kind.BatchId!))!;
        Assert.Equal("replay", manifest.Operation);
        Assert.Equal([4L, 5L], Assert.Single(manifest.ReplayedFrom!).Lines);
        Assert.Equal(ingest.BatchId, manifest.ReplayedFrom![0].BatchId);

        // Again (same command): nothing lands, nothing is written, no new version.
        var listing = _lake.Listing();
        var again = await Replay().ReplayAsync(null, corrections, CancellationToken.None);
        Assert.Equal(0, again.Selected);
        Assert.Equal(listing, _lake.Listing());
        Assert.Equal(2L, LakeVersionLog.Current(_lake.Lake));
        Assert.Equal(5L, _lake.Count("decisions"));
        Assert.Equal(5L, Long(TestLake.NodeQuery($"select count(distinct record_hash) as n from read_parquet('{_lake.Lake}/decisions/**/*.parquet')")[0].GetProperty("n")));
    }

    [Fact]
    public async Task ReplayAsync_WithoutCorrections_StillBrokenStayAndNothingIsPublished()
    {
        var ingest = await Pipeline().IngestFileAsync(Decisions(), null, CancellationToken.None);
        var listing = _lake.Listing();

        var result = await Replay().ReplayAsync(ingest.BatchId, null, CancellationToken.None);

        var kind = Assert.Single(result.Kinds);
        Assert.Equal(0, kind.Landed);
        Assert.Equal(2, kind.StillRefused);
        Assert.Null(kind.LakeVersion);
        Assert.Equal(listing, _lake.Listing());
        Assert.Equal(2, QuarantineRows().Count);
    }

    [Fact]
    public async Task ReplayAsync_BrokenInput_OneLineErrorAndNothingChanged()
    {
        var ingest = await Pipeline().IngestFileAsync(Decisions(), null, CancellationToken.None);
        var listing = _lake.Listing();
        var notJson = _lake.Write("bad1.ndjson", "batch_id,line\n");
        var unknownField = _lake.Write("bad2.ndjson", $"{{\"batch_id\":\"{ingest.BatchId}\",\"line\":4,\"set\":{{\"colour\":\"red\"}}}}\n");
        var unknownRow = _lake.Write("bad3.ndjson", $"{{\"batch_id\":\"{ingest.BatchId}\",\"line\":99,\"set\":{{\"model_version\":\"x\"}}}}\n");

        var errors = new List<string>
        {
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay().ReplayAsync("no-such-batch", null, CancellationToken.None))).Message,
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay(quarantineKey: null).ReplayAsync(ingest.BatchId, null, CancellationToken.None))).Message,
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay().ReplayAsync(ingest.BatchId, notJson, CancellationToken.None))).Message,
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay().ReplayAsync(ingest.BatchId, unknownField, CancellationToken.None))).Message,
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay().ReplayAsync(ingest.BatchId, unknownRow, CancellationToken.None))).Message,
            (await Assert.ThrowsAsync<LakeOperationException>(() => Replay("another-key").ReplayAsync(ingest.BatchId, null, CancellationToken.None))).Message,
        };

        Assert.Contains("no-such-batch", errors[0], StringComparison.Ordinal);
        Assert.Contains("Lake:QuarantineKey", errors[1], StringComparison.Ordinal);
        Assert.Contains("corrections line 1", errors[2], StringComparison.Ordinal);
        Assert.Contains("'colour' is not a decisions field", errors[3], StringComparison.Ordinal);
        Assert.Contains("line 99", errors[4], StringComparison.Ordinal);
        Assert.Contains("cannot be decrypted", errors[5], StringComparison.Ordinal);
        Assert.All(errors, e => Assert.DoesNotContain('\n', e));
        Assert.All(errors, e => Assert.DoesNotContain("user-", e, StringComparison.Ordinal));
        Assert.Equal(listing, _lake.Listing());
    }

    [Fact]
    public async Task EraseAsync_UserEverywhere_NoRowOfTheUserInAnyFileTombstoneStopsRedeliveryAndSecondRunIsNoop()
    {
        var pipeline = Pipeline();
        var ingest = await pipeline.IngestFileAsync(Decisions(), null, CancellationToken.None);
        // alice also in an NDJSON batch: a good row and a truncated line (unlocatable: kept encrypted).
        var ndjson = _lake.Write("decisions_b.ndjson",
            "{\"case_id\":\"N1\",\"case_type\":\"ATO\",\"scored_at\":\"2026-11-03T09:00:00Z\",\"model_version\":\"m\",\"ai_decision\":\"block\",\"confidence\":0.9,\"threshold\":0.5,\"routing\":\"auto\",\"priority\":5,\"user_id\":\"user-alice\"}\n" +
            "{\"case_id\":\"N2\",\"user_id\":\"user-alice\",\"case_type\":\"ATO\",\"scored_at\":\"2026-11-0\n");
        await pipeline.IngestFileAsync(ndjson, null, CancellationToken.None);
        // Compacted partitions too: 11-02 keeps bob's row beside alice's (rewritten), 11-03 holds only alice's (deleted).
        await new Jobs.CompactionJob(Microsoft.Extensions.Options.Options.Create(Options()), NullLogger<Jobs.CompactionJob>.Instance, _lake.Time)
            .RunAllAsync(Contract.RecordKind.Decisions, CancellationToken.None);
        var landing = Path.Combine(_lake.Root, "landing");
        Directory.CreateDirectory(Path.Combine(landing, "processed"));
        File.Copy(Path.Combine(_lake.Input, "decisions_a.csv"), Path.Combine(landing, "processed", "decisions_a.csv"));
        Assert.Equal(2L, TestLake.Query($"select count(*) from read_parquet('{_lake.Lake}/decisions/**/*.parquet') where user_id = '{Hash("user-alice")}'")[0][0]);

        var result = await Erasure().EraseAsync(" user-alice ", landing, CancellationToken.None);

        Assert.Equal(2, result.RowsErased);
        Assert.Equal(2, result.QuarantineRemoved);
        Assert.Equal(2, result.LandingLinesRemoved);
        var manifest = BatchManifest.TryRead(LakeLayout.ManifestPath(_lake.Lake, result.ErasureId!))!;
        Assert.Equal("erase", manifest.Operation);
        Assert.Equal(result.LakeVersion, manifest.LakeVersion);
        Assert.Equal(3L, manifest.LakeVersion);
        AssertUserGone("user-alice");
        Assert.DoesNotContain("user-alice", File.ReadAllText(Path.Combine(landing, "processed", "decisions_a.csv")), StringComparison.Ordinal);
        Assert.Contains("user-bob", File.ReadAllText(Path.Combine(landing, "processed", "decisions_a.csv")), StringComparison.Ordinal);
        var audit = File.ReadAllText(Path.Combine(Tombstones.AuditFolder(_lake.Lake), result.ErasureId + ".json"));
        Assert.DoesNotContain("user-alice", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Hash("user-alice"), audit, StringComparison.Ordinal);
        Assert.Equal(2L, _lake.Count("decisions"));

        // Again: nothing changes.
        var listing = _lake.Listing();
        var again = await Erasure().EraseAsync("user-alice", landing, CancellationToken.None);
        Assert.True(again.AlreadyErased);
        Assert.Null(again.ErasureId);
        Assert.Equal(listing, _lake.Listing());

        // A re-delivery (new file with alice's rows, one of them broken) lands none of them and keeps no text of them.
        var redelivery = _lake.Write("decisions_c.csv", File.ReadAllText(Path.Combine(_lake.Input, "decisions_a.csv")) + "C9,ATO,2026-11-05T00:00:00Z,m-1,block,0.9,0.9,auto,1,user-alice,a,b,c\n");
        var re = await pipeline.IngestFileAsync(redelivery, null, CancellationToken.None);
        Assert.Equal(0, re.Landed);
        AssertUserGone("user-alice");
        var erasedRows = TestLake.Query($"select line, raw, raw_encrypted, raw_sha256 from {_lake.Glob("quarantine")} where reason = 'erased' order by line");
        Assert.Equal([2L, 5L, 7L], erasedRows.Select(r => (long)r[0]!));
        Assert.All(erasedRows, r => Assert.True(r[1] is null && r[2] is null && r[3] is null));
    }

    [Fact]
    public async Task IngestFileAsync_ErasurePublishedWhileTheBatchWasStaging_TheUsersRecordsDoNotLand()
    {
        var pipeline = Pipeline();
        pipeline.BeforePublishAsync = async ct => await Erasure().EraseAsync("user-alice", null, ct);

        var result = await pipeline.IngestFileAsync(Decisions(), null, CancellationToken.None);

        Assert.Equal(2, result.Landed);
        AssertUserGone("user-alice");
        var reasons = TestLake.Query($"select line, reason from {_lake.Glob("quarantine")} order by line");
        Assert.Equal([(4L, "model_version: required field is missing"), (5L, "erased")], reasons.Select(r => ((long)r[0]!, (string)r[1]!)));
    }

    [Fact]
    public async Task List_ManyReasonsAndBatches_BoundedToTheTopTenWithTheRestCounted()
    {
        var pipeline = Pipeline();
        for (var b = 0; b < 12; b++)
        {
            var builder = new StringBuilder("review_id,case_id,reviewer_id,reviewer_org,vendor,reviewer_tier,assigned_at,resolved_at,decision,rationale\n");
            for (var i = 0; i <= b; i++)
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"R{b}-{i},C1,rev,INHOUSE,,boss{i},2026-11-02T10:00:00Z,,,\n");
            }

            await pipeline.IngestFileAsync(_lake.Write($"reviews_{b}.csv", builder.ToString()), null, CancellationToken.None);
        }

        var summary = Replay().List(null, null, 10);

        Assert.Equal(78, summary.Total);
        Assert.Equal(78, summary.Encrypted);
        Assert.Equal(10, summary.ByReason.Count);
        Assert.Equal(12, summary.ByReason[0].Records);
        Assert.Contains("boss0", summary.ByReason[0].Name, StringComparison.Ordinal);
        Assert.Equal(3, summary.ReasonsOther);
        Assert.Equal(10, summary.Batches.Count);
        Assert.Equal(12, summary.Batches[0].Records);
        Assert.Equal(2, summary.BatchesOther);
        Assert.Equal(7, Replay().List("reviews", summary.Batches[5].BatchId).Total);
    }

    [Fact]
    public async Task EraseAsync_EmptyUserId_OneLineErrorNothingChanged()
    {
        await Pipeline().IngestFileAsync(Decisions(), null, CancellationToken.None);
        var listing = _lake.Listing();
        var error = await Assert.ThrowsAsync<LakeOperationException>(() => Erasure().EraseAsync("  ", null, CancellationToken.None));
        Assert.Equal("--user-id is empty", error.Message);
        Assert.Equal(listing, _lake.Listing());
    }

    [Fact]
    public async Task EraseAsync_ProcessKilledMidPublish_NextStartCompletesItAndRerunIsNoop()
    {
        var pipeline = Pipeline();
        await pipeline.IngestFileAsync(Decisions(), null, CancellationToken.None);
        var more = _lake.Write("decisions_x.csv", Samples.DecisionsHeader + "\nX1,ATO,2026-11-04T10:00:00Z,m-1,block,0.97,0.9,auto,80,user-alice,,EU\nX2,ATO,2026-11-04T10:00:00Z,m-1,block,0.97,0.9,auto,80,user-erin,,EU\n");
        await pipeline.IngestFileAsync(more, null, CancellationToken.None);

        using (var process = Start("erase", _lake.Lake, "user-alice", "pause"))
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.StartsWith("PUBLISHED ", line, StringComparison.Ordinal);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Single(Directory.GetFiles(Path.Combine(_lake.Lake, "_journal"), "*.json"));

        // The next start (any ingest, compaction or host start) completes the erasure from its journal.
        await LakeRecovery.RecoverAsync(_lake.Lake, _lake.Time, NullLogger.Instance, CancellationToken.None);
        Assert.Empty(Directory.GetFiles(Path.Combine(_lake.Lake, "_journal"), "*.json"));
        AssertUserGone("user-alice");
        var erase = Assert.Single(LakeVersionLog.Read(_lake.Lake), v => BatchManifest.TryRead(LakeLayout.ManifestPath(_lake.Lake, v.BatchId))!.Operation == "erase");
        Assert.True(File.Exists(Path.Combine(_lake.Lake, Tombstones.RelativePath(Hash("user-alice")))));

        var listing = _lake.Listing();
        Assert.Equal(0, await RunAsync("erase", _lake.Lake, "user-alice"));
        Assert.Equal(listing, _lake.Listing());
        Assert.Equal(erase.Version, LakeVersionLog.Current(_lake.Lake));
        Assert.Equal(3L, Long(TestLake.NodeQuery($"select count(*) as n from read_parquet('{_lake.Lake}/decisions/**/*.parquet')")[0].GetProperty("n")));
    }

    [Fact]
    public async Task ReplayAsync_ProcessKilledMidPublish_RecoveryCompletesItOnceAndRerunIsNoop()
    {
        var ingest = await Pipeline().IngestFileAsync(Decisions(), null, CancellationToken.None);
        var corrections = Corrections(ingest.BatchId);

        using (var process = Start("replay", _lake.Lake, corrections, "pause"))
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.StartsWith("PUBLISHED ", line, StringComparison.Ordinal);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // Re-run: it recovers the interrupted publish first (the rows land, the quarantine is rewritten), then finds nothing.
        Assert.Equal(0, await RunAsync("replay", _lake.Lake, corrections));
        Assert.Empty(QuarantineRows());
        Assert.Equal(5L, _lake.Count("decisions"));
        Assert.Equal(5L, Long(TestLake.NodeQuery($"select count(distinct record_hash) as n from read_parquet('{_lake.Lake}/decisions/**/*.parquet')")[0].GetProperty("n")));
        Assert.Equal(2L, LakeVersionLog.Current(_lake.Lake));
        Assert.Equal(0, await RunAsync("replay", _lake.Lake, corrections));
        Assert.Equal(2L, LakeVersionLog.Current(_lake.Lake));
    }

    [Fact]
    public async Task IngestFileAsync_UnclosedQuoteOnLine2OfLargeCsv_AllOtherRowsLandWithBoundedMemory()
    {
        const int rows = 400_000;
        var file = Path.Combine(_lake.Input, "decisions_unclosed.csv");
        using (var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteAsync(Samples.DecisionsHeader + "\n");
            for (var i = 1; i <= rows; i++)
            {
                var region = i == 1 ? "\"EU-WEST-1" : "EU-WEST-1";
                await writer.WriteAsync($"CASE-{i:D9},ATO,2026-11-{1 + (i % 28):00}T{i % 24:00}:00:00Z,model-v1.4.2,block,0.{i % 100:00},0.80,manual,{i % 100},user-{i % 50000:D8},new_device|vpn_ip,{region}\n");
            }
        }

        Assert.True(new FileInfo(file).Length > 45_000_000);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(TestHost).Assembly.Location, "ingest", _lake.Lake, file, "report-rss" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        Assert.Contains($"LANDED {rows - 1}", output, StringComparison.Ordinal);
        var peakKb = long.Parse(output.Split('\n').First(l => l.StartsWith("PEAK_RSS_KB ", StringComparison.Ordinal))[12..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // Measured ~500 MB for a 170 MB / 1.4 M-row file (the dedupe index grows with the rows, not with the broken quote).
        Assert.True(peakKb < 700_000, $"peak RSS {peakKb:N0} kB");
        var quarantined = Assert.Single(TestLake.Query($"select line, raw_length from {_lake.Glob("quarantine")}"));
        Assert.Equal(2L, quarantined[0]);
        Assert.True((long)quarantined[1]! < 200);
    }

    /// <summary>Every Parquet file of the lake, read by the independent DuckDB: no row with the user's hash (or clear id), no record twice.</summary>
    private void AssertUserGone(string userId)
    {
        var hash = Hash(userId);
        var decisions = TestLake.NodeQuery($"select count(*) filter (where user_id = '{hash}' or user_id = '{userId}') as hits, count(*) - count(distinct record_hash) as dupes from read_parquet('{_lake.Lake}/decisions/**/*.parquet', union_by_name = true)")[0];
        Assert.Equal(0L, Long(decisions.GetProperty("hits")));
        Assert.Equal(0L, Long(decisions.GetProperty("dupes")));
        if (Directory.Exists(Path.Combine(_lake.Lake, "quarantine")))
        {
            var quarantine = TestLake.NodeQuery($"select count(*) filter (where contains(coalesce(raw, ''), '{hash}') or contains(coalesce(raw, ''), '{userId}')) as hits from read_parquet('{_lake.Lake}/quarantine/**/*.parquet', union_by_name = true)")[0];
            Assert.Equal(0L, Long(quarantine.GetProperty("hits")));
            var cipher = new QuarantineCipher(QuarantineKey);
            foreach (var row in TestLake.Query($"select raw_encrypted from {_lake.Glob("quarantine")} where raw_encrypted is not null"))
            {
                Assert.DoesNotContain(userId, Encoding.UTF8.GetString(cipher.Decrypt((string)row[0]!)), StringComparison.Ordinal);
            }
        }

        foreach (var file in Directory.EnumerateFiles(_lake.Lake, "*.json", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(userId, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    /// <summary>A count from the node DuckDB (BIGINT arrives as a JSON string).</summary>
    private static long Long(System.Text.Json.JsonElement value) =>
        value.ValueKind == System.Text.Json.JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt64();

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(TestHost).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<int> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(process.ExitCode == 0, await stderr);
        return process.ExitCode;
    }
}
