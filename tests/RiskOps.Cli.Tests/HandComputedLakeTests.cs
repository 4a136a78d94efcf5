using System.Text.Json;

namespace RiskOps.Cli.Tests;

/// <summary>
/// End to end through the real executable: contract files in, `riskops metrics --json` out, every figure checked against
/// values worked out by hand from contract §2 (see the comments), and the lake checked by an independent DuckDB.
/// </summary>
public sealed class HandComputedLakeTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-e2e-" + Guid.NewGuid().ToString("N"));
    private string Lake => Path.Combine(_dir, "lake");

    // c1 ATO auto TP; c2 ATO manual key user FP, escalated then passed by a senior after 3 h (offset +08:00);
    // c3 ATO manual key user FN, blocked by a BPO agent after 9 h; c4 KYC auto TN (audit sample, weight 10);
    // c5 KYC manual, still open 36 h at as-of; c6 KYC auto, labelled TN then re-labelled FN (audit sample, weight 4);
    // bad1 has confidence 1.7 and goes to quarantine.
    private const string Decisions =
        "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n" +
        "c1,ATO,2026-11-16T10:00:00Z,m1,block,0.95,0.8,auto,10,user-alice,new_device|vpn_ip,EU\n" +
        "c2,ATO,2026-11-16T11:00:00+08:00,m1,block,0.6,0.8,manual,80,user-bob,new_device,APAC\n" +
        "c3,ATO,2026-11-17T00:00:00Z,m2,pass,0.7,0.8,manual,90,user-carol,,EU\n" +
        "c4,KYC_AUDIT,2026-11-17T12:00:00Z,m2,pass,0.99,0.8,auto,5,user-dave,,EU\n" +
        "c5,KYC_AUDIT,2026-11-18T12:00:00Z,m2,block,0.55,0.8,manual,20,user-erin,sybil_cluster,EU\n" +
        "c6,KYC_AUDIT,2026-11-18T23:30:00-02:00,m2,pass,0.85,0.8,auto,30,user-frank,,EU\n" +
        "bad1,ATO,2026-11-17T00:00:00Z,m2,pass,1.7,0.8,auto,30,user-mallory,,EU\n";

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
        "c6,TN,audit_sample,4,,,,lab2,2026-11-19T05:00:00Z\n" +
        "c6,FN,audit_sample,4,B,KYC.threshold,,lab2,2026-11-19T20:00:00Z\n" +
        "c99,TP,review,,,,,lab2,2026-11-19T20:00:00Z\n";

    private const string QaAudits =
        "audit_id,review_id,auditor_id,audited_at,verdict,error_category\n" +
        "a1,r2,qa1,2026-11-18T00:00:00Z,correct,\n" +
        "a2,r3,qa1,2026-11-18T00:00:00Z,incorrect,wrong_block\n";

    private const string Sop =
        "case_type,scenario_code,covered,sop_page,sop_version,updated_at\n" +
        "ATO,ATO.base,true,p1,v1,2026-11-01T00:00:00Z\n" +
        "ATO,ATO.x,true,p2,v1,2026-11-01T00:00:00Z\n" +
        "ATO,ATO.x,false,p2,v2,2026-11-10T00:00:00Z\n" +
        "KYC_AUDIT,KYC.base,true,p3,v1,2026-11-01T00:00:00Z\n";

    private const string AsOf = "2026-11-20T00:00:00Z";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var files = new List<string>();
        foreach (var (name, text) in new[]
                 {
                     ("decisions_e2e.csv", Decisions), ("reviews_e2e.csv", Reviews), ("labels_e2e.csv", Labels),
                     ("qa_audits_e2e.csv", QaAudits), ("sop_coverage_e2e.csv", Sop),
                 })
        {
            var path = Path.Combine(_dir, name);
            await File.WriteAllTextAsync(path, text);
            files.Add(path);
        }

        var ingest = await CliRunner.RunAsync(["ingest", "--lake", Lake, .. files]);
        Assert.True(ingest.ExitCode == 0, ingest.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Metrics_Overall_MatchesHandComputedFigures()
    {
        var json = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--as-of", AsOf, "--json");
        var overall = json.GetProperty("overall");

        Assert.Equal(1, overall.GetProperty("tp").GetInt64());
        Assert.Equal(1, overall.GetProperty("fp").GetInt64());
        Assert.Equal(1, overall.GetProperty("tn").GetInt64());
        Assert.Equal(2, overall.GetProperty("fn").GetInt64());
        AssertNear(0.5, overall, "precision");
        AssertNear(1.0 / 3, overall, "recall");
        AssertNear(0.4, overall, "f1");
        AssertNear(0.4, overall, "accuracy");
        AssertNear(0.5, overall, "automation_rate");            // c1, c4, c6 of six decisions
        AssertNear(1.0 / 3, overall, "sla_compliance");          // c2 in 3 h; c3 9 h; c5 open 36 h
        AssertNear(0.5, overall, "decision_accuracy");           // a1 correct, a2 incorrect
        AssertNear(0.5, overall, "key_user_escalation_compliance"); // c2 escalated + senior; c3 agent only
        AssertNear(2.0 / 3, overall, "sop_coverage");            // ATO.base, KYC.base covered; ATO.x latest = false
        AssertNear(0.442, overall, "ece");
        AssertNear(0.31502, overall, "brier");
        AssertNear(1.0, overall, "kappa");                       // c2 pass/true pass, c3 block/true block
        AssertNear(6.0, overall, "resolution_hours_p50");
        AssertNear(8.4, overall, "resolution_hours_p90");

        // Wilson 95 % interval for precision 1/2.
        AssertNear(0.0945312, overall, "precision_ci_low", 1e-6);
        AssertNear(0.9054688, overall, "precision_ci_high", 1e-6);
    }

    [Fact]
    public async Task Metrics_ByCaseType_ZeroDenominatorIsNull()
    {
        var json = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--as-of", AsOf, "--json");
        var kyc = json.GetProperty("by_case_type").EnumerateArray().Single(e => e.GetProperty("case_type").GetString() == "KYC_AUDIT");
        var ato = json.GetProperty("by_case_type").EnumerateArray().Single(e => e.GetProperty("case_type").GetString() == "ATO");

        Assert.Equal(JsonValueKind.Null, kyc.GetProperty("precision").ValueKind);   // no predicted blocks labelled
        AssertNear(0.0, kyc, "recall");
        AssertNear(0.5, ato, "precision");
        AssertNear(0.5, ato, "recall");
        AssertNear(0.5, ato, "sop_coverage");
        AssertNear(1.0, kyc, "sop_coverage");
    }

    [Fact]
    public async Task Metrics_CaseTypeFilter_RestrictsEveryFigure()
    {
        var json = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--as-of", AsOf, "--case-type", "ATO", "--json");
        var overall = json.GetProperty("overall");

        Assert.Equal(1, overall.GetProperty("tp").GetInt64());
        Assert.Equal(0, overall.GetProperty("tn").GetInt64());
        AssertNear(1.0 / 3, overall, "automation_rate");
        AssertNear(0.5, overall, "sla_compliance");
    }

    [Fact]
    public async Task Lake_IndependentDuckDb_ReadsLatestRowsAndNoClearUserIds()
    {
        var decisions = await CliRunner.IndependentDuckDbAsync(
            $"select count(*)::int as n, count(distinct user_id)::int as u, sum(case when user_id like 'user-%' then 1 else 0 end)::int as clear " +
            $"from read_parquet('{Lake}/decisions/**/*.parquet', hive_partitioning=true)");
        Assert.Equal(6, decisions[0].GetProperty("n").GetInt32());
        Assert.Equal(6, decisions[0].GetProperty("u").GetInt32());
        Assert.Equal(0, decisions[0].GetProperty("clear").GetInt32());

        var c2 = await CliRunner.IndependentDuckDbAsync(
            $"select dt::varchar as dt " +
            $"from read_parquet('{Lake}/decisions/**/*.parquet', hive_partitioning=true) where case_id = 'c6'");
        Assert.Equal("2026-11-19", c2[0].GetProperty("dt").GetString());

        var labels = await CliRunner.IndependentDuckDbAsync(
            $"select count(*)::int as n from read_parquet('{Lake}/labels/**/*.parquet', hive_partitioning=true)");
        Assert.Equal(7, labels[0].GetProperty("n").GetInt32()); // history kept, orphan label stored

        var quarantine = await CliRunner.IndependentDuckDbAsync(
            $"select count(*)::int as n, max(raw) as raw from read_parquet('{Lake}/quarantine/**/*.parquet', union_by_name=true)");
        Assert.Equal(1, quarantine[0].GetProperty("n").GetInt32());
        Assert.DoesNotContain("user-mallory", quarantine[0].GetProperty("raw").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_SameFilesAgain_ChangesNothing()
    {
        var before = Directory.GetFiles(Lake, "*.parquet", SearchOption.AllDirectories).Order().ToArray();
        var files = Directory.GetFiles(_dir, "*.csv");

        var again = await CliRunner.RunAsync(["ingest", "--lake", Lake, .. files]);

        Assert.Equal(0, again.ExitCode);
        var after = Directory.GetFiles(Lake, "*.parquet", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(before, after);
        var json = await CliRunner.RunJsonAsync("metrics", "--lake", Lake, "--as-of", AsOf, "--json");
        Assert.Equal(2, json.GetProperty("overall").GetProperty("fn").GetInt64());
    }

    private static void AssertNear(double expected, JsonElement element, string name, double tolerance = 1e-9)
    {
        var value = element.GetProperty(name);
        Assert.True(value.ValueKind == JsonValueKind.Number, $"{name} is {value.ValueKind}, expected {expected}");
        Assert.True(Math.Abs(expected - value.GetDouble()) <= tolerance, $"{name}: expected {expected}, got {value.GetDouble()}");
    }
}
