using System.Text.Json;
using System.Text.Json.Nodes;

namespace RiskOps.Cli.Tests;

/// <summary>
/// <c>riskops quarantine list|replay</c> and <c>riskops erase</c> through the real executable: figures follow an erasure
/// (<c>metrics --raw --json</c> equals a lake that never had the user's records), the independent DuckDB finds nothing of
/// the user in any Parquet file, and every broken input is one line, exit 2, with the lake unchanged.
/// </summary>
public sealed class LifecycleCliTests : IDisposable
{
    private const string AsOf = "2026-11-20T00:00:00Z";

    private const string Header = "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n";

    private static readonly string[] Good =
    [
        "c1,ATO,2026-11-16T10:00:00Z,m1,block,0.95,0.8,auto,10,user-alice,new_device|vpn_ip,EU",
        "c2,ATO,2026-11-16T11:00:00+08:00,m1,block,0.6,0.8,manual,80,user-bob,new_device,APAC",
        "c3,ATO,2026-11-17T00:00:00Z,m2,pass,0.7,0.8,manual,90,user-carol,,EU",
        "c4,KYC_AUDIT,2026-11-17T12:00:00Z,m2,pass,0.99,0.8,auto,5,user-dave,,EU",
        "c5,KYC_AUDIT,2026-11-18T12:00:00Z,m2,block,0.55,0.8,manual,20,user-erin,sybil_cluster,EU",
        "c7,ATO,2026-11-18T09:00:00Z,m2,block,0.91,0.8,auto,60,user-carol,vpn_ip,EU",
        "bad1,ATO,2026-11-17T00:00:00Z,m2,pass,1.7,0.8,auto,30,user-mallory,,EU",
        "bad2,ATO,2026-11-17T00:00:00Z,,pass,0.5,0.8,auto,30,user-carol,,EU",
        "bad3,ATO,2026-11-17T00:00:00Z,m2,pass,2,0.8,auto,30,user-carol,,EU",
    ];

    private const string Reviews =
        "review_id,case_id,reviewer_id,reviewer_org,vendor,reviewer_tier,assigned_at,resolved_at,decision,rationale\n" +
        "r1,c2,rev-a,BPO,VendorOne,agent,2026-11-16T03:30:00Z,2026-11-16T05:00:00Z,escalate,unsure\n" +
        "r2,c2,rev-s,INHOUSE,,senior,2026-11-16T05:10:00Z,2026-11-16T06:00:00Z,pass,ok\n" +
        "r3,c3,rev-a,BPO,VendorOne,agent,2026-11-17T01:00:00Z,2026-11-17T09:00:00Z,block,mule\n" +
        "r4,c5,rev-b,BPO,VendorOne,agent,2026-11-18T13:00:00Z,,,\n";

    private const string Labels =
        "case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n" +
        "c1,TP,review,,,,,lab1,2026-11-17T00:00:00Z\n" +
        "c2,FP,review,,A,ATO.new_device_overweighted,,lab1,2026-11-17T00:00:00Z\n" +
        "c3,FN,review,,C,ATO.x,,lab1,2026-11-18T00:00:00Z\n" +
        "c4,TN,audit_sample,10,,,,lab2,2026-11-18T00:00:00Z\n" +
        "c7,TP,review,,,,,lab1,2026-11-19T00:00:00Z\n";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-lifecycle-" + Guid.NewGuid().ToString("N")[..12]);

    private static readonly Dictionary<string, string> Keys = new()
    {
        ["Lake__HashKey"] = "lifecycle-cli-hash-key",
        ["Lake__QuarantineKey"] = "lifecycle-cli-quarantine-key",
    };

    public LifecycleCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string> LakeOf(string name, IEnumerable<string> decisions)
    {
        var input = Path.Combine(_dir, name + "-in");
        Directory.CreateDirectory(input);
        var files = new[]
        {
            Write(Path.Combine(input, "decisions.csv"), Header + string.Join('\n', decisions) + "\n"),
            Write(Path.Combine(input, "reviews.csv"), Reviews),
            Write(Path.Combine(input, "labels.csv"), Labels),
        };
        var lake = Path.Combine(_dir, name);
        var result = await CliRunner.RunAsync(Keys, ["ingest", "--lake", lake, .. files]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return lake;
    }

    private static string Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<JsonNode> MetricsRaw(string lake)
    {
        var result = await CliRunner.RunAsync(Keys, "metrics", "--lake", lake, "--raw", "--json", "--as-of", AsOf);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var node = JsonNode.Parse(result.StdOut)!;
        // Versions and publish times differ between two lakes by construction; every figure must not.
        foreach (var key in new[] { "lake_version", "rollup_version", "data_through" })
        {
            node.AsObject().Remove(key);
        }

        return node;
    }

    [Fact]
    public async Task Erase_ThenMetricsRaw_EqualsALakeIngestedWithoutTheUsersRecords_AndNoFileHoldsTheUser()
    {
        var lake = await LakeOf("with", Good);
        var without = await LakeOf("without", Good.Where(l => !l.Contains("user-carol", StringComparison.Ordinal)));

        var erase = await CliRunner.RunAsync(Keys, "erase", "--lake", lake, "--user-id", "user-carol", "--json");
        Assert.True(erase.ExitCode == 0, erase.StdErr);
        using (var json = JsonDocument.Parse(erase.StdOut))
        {
            Assert.Equal(2, json.RootElement.GetProperty("rows_erased").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("quarantine_removed").GetInt64());
            Assert.Equal(4, json.RootElement.GetProperty("lake_version").GetInt64());
        }

        Assert.DoesNotContain("user-carol", erase.StdOut + erase.StdErr, StringComparison.Ordinal);
        Assert.Equal((await MetricsRaw(without)).ToJsonString(), (await MetricsRaw(lake)).ToJsonString());

        // The independent DuckDB over every Parquet file of the lake: nothing of carol, no record twice.
        var hash = Hmac("user-carol");
        var check = await CliRunner.IndependentDuckDbAsync($"""
            select
                (select count(*) from read_parquet('{lake}/**/*.parquet', union_by_name = true) where user_id = '{hash}') as rows_with_user,
                (select count(*) from read_parquet('{lake}/quarantine/**/*.parquet', union_by_name = true) where contains(coalesce(raw, ''), '{hash}')) as quarantine_with_user,
                (select count(*) - count(distinct record_hash) from read_parquet('{lake}/decisions/**/*.parquet', union_by_name = true)) as duplicates
            """);
        Assert.Equal("0", check[0].GetProperty("rows_with_user").ToString());
        Assert.Equal("0", check[0].GetProperty("quarantine_with_user").ToString());
        Assert.Equal("0", check[0].GetProperty("duplicates").ToString());

        // Idempotent: a second erasure changes nothing; a re-delivery of carol's rows lands none of them.
        var listing = Listing(lake);
        var again = await CliRunner.RunAsync(Keys, "erase", "--lake", lake, "--user-id", "user-carol");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("erased before", again.StdOut, StringComparison.Ordinal);
        Assert.Equal(listing, Listing(lake));
        var redelivery = Write(Path.Combine(_dir, "decisions_again.csv"), Header + string.Join('\n', Good.Where(l => l.Contains("user-carol", StringComparison.Ordinal))) + "\n");
        var re = await CliRunner.RunAsync(Keys, "ingest", "--lake", lake, redelivery);
        Assert.Contains("0 landed, 4 quarantined", re.StdOut, StringComparison.Ordinal);
        Assert.Contains("line 2: erased", re.StdOut, StringComparison.Ordinal);
        Assert.Equal(listing.Count(f => f.StartsWith("decisions/", StringComparison.Ordinal)), Listing(lake).Count(f => f.StartsWith("decisions/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task QuarantineListAndReplay_Json_BoundedCountsWithoutUserIds_ReplayLandsOnce()
    {
        var lake = await LakeOf("q", Good);
        var list = await CliRunner.RunAsync(Keys, "quarantine", "list", "--lake", lake, "--json");
        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.DoesNotContain("user-", list.StdOut, StringComparison.Ordinal);
        string batch;
        using (var json = JsonDocument.Parse(list.StdOut))
        {
            Assert.Equal(3, json.RootElement.GetProperty("total").GetInt64());
            Assert.Equal(1, json.RootElement.GetProperty("readable").GetInt64());
            Assert.Equal(2, json.RootElement.GetProperty("encrypted").GetInt64());
            batch = json.RootElement.GetProperty("batches")[0].GetProperty("batch_id").GetString()!;
        }

        var corrections = Write(Path.Combine(_dir, "fix.ndjson"),
            $"{{\"batch_id\":\"{batch}\",\"line\":8,\"set\":{{\"confidence\":0.7}}}}\n{{\"batch_id\":\"{batch}\",\"line\":9,\"set\":{{\"model_version\":\"m2\"}}}}\n");
        var replay = await CliRunner.RunAsync(Keys, "quarantine", "replay", "--lake", lake, "--batch", batch, "--corrections", corrections, "--json");
        Assert.True(replay.ExitCode == 0, replay.StdErr);
        using (var json = JsonDocument.Parse(replay.StdOut))
        {
            var kind = json.RootElement.GetProperty("kinds")[0];
            Assert.Equal(2, kind.GetProperty("landed").GetInt64());
            Assert.Equal(1, kind.GetProperty("still_refused").GetInt64());
            Assert.Equal(4, json.RootElement.GetProperty("lake_version").GetInt64());
        }

        var listing = Listing(lake);
        var again = await CliRunner.RunAsync(Keys, "quarantine", "replay", "--lake", lake, "--all", "--corrections", corrections);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 landed", again.StdOut, StringComparison.Ordinal);
        Assert.Equal(listing, Listing(lake));
    }

    [Fact]
    public async Task BrokenInput_EachIsOneLineExit2AndNothingChanged()
    {
        var lake = await LakeOf("broken", Good);
        var badCorrections = Write(Path.Combine(_dir, "bad.ndjson"), "not json\n");
        var noKey = new Dictionary<string, string> { ["Lake__HashKey"] = Keys["Lake__HashKey"] };
        var listing = Listing(lake);
        var cases = new (IReadOnlyDictionary<string, string> Env, string[] Args, string Expect)[]
        {
            (Keys, ["erase", "--lake", lake, "--user-id", ""], "--user-id is empty"),
            (Keys, ["erase", "--lake", lake, "--user-id", "   "], "--user-id is empty"),
            (Keys, ["quarantine", "replay", "--lake", lake, "--batch", "nope"], "no quarantined records of batch 'nope'"),
            (Keys, ["quarantine", "list", "--lake", lake, "--batch", "nope"], "no quarantined records of batch 'nope'"),
            (noKey, ["quarantine", "replay", "--lake", lake, "--all"], "Lake:QuarantineKey"),
            (Keys, ["quarantine", "replay", "--lake", lake, "--all", "--corrections", badCorrections], "corrections line 1"),
            (Keys, ["quarantine", "replay", "--lake", lake, "--all", "--corrections", Path.Combine(_dir, "missing.ndjson")], "not found"),
            (Keys, ["quarantine", "replay", "--lake", lake], "either --batch B or --all"),
            (Keys, ["erase", "--lake", Path.Combine(_dir, "no-lake"), "--user-id", "x"], "is not a lake"),
        };

        foreach (var (env, args, expect) in cases)
        {
            var result = await CliRunner.RunAsync(env, args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: exit {result.ExitCode} {result.StdErr}");
            var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", line, StringComparison.Ordinal);
            Assert.Contains(expect, line, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"user-(alice|bob|carol|dave|erin|mallory)", result.StdOut + result.StdErr);
            Assert.Equal(listing, Listing(lake));
        }
    }

    private static List<string> Listing(string lake) =>
        Directory.EnumerateFiles(lake, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(lake, f)} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks}")
            .Where(f => !f.StartsWith("_journal", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Hmac(string id) => Convert.ToHexStringLower(
        System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Keys["Lake__HashKey"]), System.Text.Encoding.UTF8.GetBytes(id)));
}
