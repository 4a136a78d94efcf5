using System.Text;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Tests;

public sealed class IngestBehaviourTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_Ndjson_ListsAsArraysOrPipesAndBadLinesQuarantined()
    {
        var file = _lake.Write("feed.ndjson",
            "{\"case_id\":\"N1\",\"case_type\":\"ATO\",\"scored_at\":\"2026-11-02T10:00:00+08:00\",\"model_version\":\"m1\",\"ai_decision\":\"block\",\"confidence\":0.91,\"threshold\":0.8,\"routing\":\"auto\",\"priority\":75,\"user_id\":\"clear-user-1\",\"signals\":[\"vpn_ip\",\"new_device\"]}\n" +
            "\n" +
            "{\"case_id\":\"N2\",\"case_type\":\"ATO\",\"scored_at\":\"2026-11-02T11:00:00Z\",\"model_version\":\"m1\",\"ai_decision\":\"pass\",\"confidence\":\"0.5\",\"threshold\":0.8,\"routing\":\"manual\",\"priority\":\"10\",\"user_id\":\"clear-user-2\",\"signals\":\"mule_pattern|sybil_cluster\",\"region\":null}\n" +
            "{\"case_id\":\"N3\", broken json\n" +
            "{\"case_id\":\"N4\",\"case_type\":\"ATO\",\"scored_at\":\"2026-11-02T11:00:00Z\",\"model_version\":\"m1\",\"ai_decision\":\"pass\",\"confidence\":3,\"threshold\":0.8,\"routing\":\"manual\",\"priority\":10,\"user_id\":\"clear-user-4\"}\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(RecordKind.Decisions, result.Kind);
        Assert.Equal(2, result.Landed);
        Assert.Equal(2, result.Quarantined);
        Assert.Equal([4L, 5L], result.QuarantineSample.Select(q => q.Line));
        Assert.Contains("not valid JSON", result.QuarantineSample[0].Reason, StringComparison.Ordinal);
        Assert.Equal("confidence: the value is outside 0..1", result.QuarantineSample[1].Reason);
        Assert.DoesNotContain("clear-user-4", result.QuarantineSample[1].Raw, StringComparison.Ordinal);
        Assert.StartsWith("(withheld", result.QuarantineSample[1].Raw, StringComparison.Ordinal);
        var rows = TestLake.Query($"select case_id, scored_at::varchar, signals, priority, confidence from {_lake.Glob("decisions")} order by case_id");
        Assert.Equal("2026-11-02 02:00:00+00", rows[0][1]);
        Assert.Equal(new List<string> { "vpn_ip", "new_device" }, rows[0][2]);
        Assert.Equal(new List<string> { "mule_pattern", "sybil_cluster" }, rows[1][2]);
        Assert.Equal(10, rows[1][3]);
        Assert.Equal(0.5, rows[1][4]);
    }

    [Fact]
    public async Task IngestFileAsync_ParquetDelivery_LandsSameRowsAsCsv()
    {
        var csv = _lake.Write("decisions_src.csv", Samples.Decisions);
        var parquet = Path.Combine(_lake.Input, "decisions_delivery.parquet");
        TestLake.Query($"copy (select * replace (scored_at::timestamptz as scored_at, string_split(signals, '|') as signals) from read_csv('{csv}', all_varchar = true)) to '{parquet}' (format parquet)");

        var result = await _lake.Pipeline().IngestFileAsync(parquet, null, CancellationToken.None);

        Assert.Equal(3, result.Landed);
        Assert.Equal(0, result.Quarantined);
        var rows = TestLake.Query($"select case_id, scored_at::varchar, signals, priority, source_line from {_lake.Glob("decisions")} order by case_id");
        Assert.Equal("2026-11-02 10:15:30.123456+00", rows[0][1]);
        Assert.Equal(new List<string> { "new_device", "vpn_ip" }, rows[0][2]);
        Assert.Equal(80, rows[0][3]);
        Assert.Equal(1L, rows[0][4]);
    }

    [Fact]
    public async Task IngestFileAsync_SameFilesTwice_SecondRunChangesNothing()
    {
        var files = new[]
        {
            _lake.Write("decisions.csv", Samples.Decisions),
            _lake.Write("reviews.csv", Samples.Reviews + "R3,C9,rev-1,BPO,,agent,2026-11-02T10:00:00Z,,,\n"),
            _lake.Write("labels.csv", Samples.Labels),
        };
        foreach (var f in files)
        {
            await _lake.Pipeline().IngestFileAsync(f, null, CancellationToken.None);
        }

        var listing = _lake.Listing();
        var counts = new[] { _lake.Count("decisions"), _lake.Count("reviews"), _lake.Count("labels"), _lake.Count("quarantine") };
        var manifests = Directory.GetFiles(Path.Combine(_lake.Lake, "_manifests")).Select(File.ReadAllText).ToList();

        _lake.Time.Advance(TimeSpan.FromHours(1));
        var again = new List<IngestResult>();
        foreach (var f in files)
        {
            again.Add(await _lake.Pipeline().IngestFileAsync(f, null, CancellationToken.None));
        }

        Assert.All(again, r => Assert.True(r.AlreadyIngested));
        Assert.Equal(listing, _lake.Listing());
        Assert.Equal(counts, new[] { _lake.Count("decisions"), _lake.Count("reviews"), _lake.Count("labels"), _lake.Count("quarantine") });
        Assert.Equal(manifests, Directory.GetFiles(Path.Combine(_lake.Lake, "_manifests")).Select(File.ReadAllText).ToList());
        Assert.Equal([3L, 2L, 2L, 1L], counts);
    }

    [Fact]
    public async Task IngestFileAsync_SameRecordInAnotherFile_LandsOnceAndCorrectionLandsAsHistory()
    {
        var first = _lake.Write("labels_1.csv", Samples.Labels);
        var second = _lake.Write("labels_2.csv",
            "case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n" +
            "C1,TP,,,,,Confirmed takeover.,lab-1,2026-11-04T08:00:00Z\n" +
            "C1,TP,review,,,,Confirmed takeover.,lab-1,2026-11-04T08:00:00Z\n" +
            "C1,FP,review,,A,ATO.new_device_overweighted,Was the owner after all.,lab-3,2026-11-06T08:00:00Z\n");
        var pipeline = _lake.Pipeline();

        await pipeline.IngestFileAsync(first, null, CancellationToken.None);
        var result = await pipeline.IngestFileAsync(second, null, CancellationToken.None);

        Assert.Equal(2, result.Duplicates);
        Assert.Equal(1, result.Landed);
        var rows = TestLake.Query($"select label, labeled_at::varchar from {_lake.Glob("labels")} where case_id = 'C1' order by labeled_at");
        Assert.Equal(["TP", "FP"], rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task IngestFileAsync_ClearUserIds_AppearNowhereInTheLake()
    {
        var file = _lake.Write("decisions.csv",
            Samples.DecisionsHeader + "\n" +
            "C1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,CLEARID-0001,,\n" +
            "C2,ATO,2026-11-02T10:00:00Z,m1,block,7,0.8,auto,80,CLEARID-0002,,\n" +
            "C3,ATO,2026-11-02T10:00:00,m1,block,0.5,0.8,auto,80,\"CLEARID-0003\",,\n" +
            "C6,ATO,2026-11-02T10:00:00Z,,block,0.5,0.8,auto,80,CLEARID-0006,,\n");
        var ndjson = _lake.Write("decisions.ndjson",
            "{\"case_id\":\"C4\",\"user_id\":\"CLEARID-0004\",\"confidence\":9}\n{\"case_id\":\"C5\",\"user_id\": 12345678901,\"confidence\":9}\n");
        var pipeline = _lake.Pipeline();

        await pipeline.IngestFileAsync(file, null, CancellationToken.None);
        var r2 = await pipeline.IngestFileAsync(ndjson, RecordKind.Decisions, CancellationToken.None);

        Assert.Equal(2, r2.Quarantined);
        foreach (var path in Directory.EnumerateFiles(_lake.Lake, "*", SearchOption.AllDirectories))
        {
            var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
            Assert.DoesNotContain("CLEARID", text, StringComparison.Ordinal);
            Assert.DoesNotContain("12345678901", text, StringComparison.Ordinal);
        }

        // A value that misfits its field (confidence 7, a timestamp without offset) may be a shifted user id: only hash and
        // length are kept. A record refused for a missing field keeps its text with the user id hashed.
        var rows = TestLake.Query($"select raw, raw_sha256, raw_length, raw_encrypted, line, source from {_lake.Glob("quarantine")} order by source, line");
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.DoesNotContain("CLEARID", r[0] as string ?? string.Empty, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Null(r[3]));
        var hasher = UserIdHasher.Create(new LakeOptions { HashKey = "test-hash-key" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var located = Assert.Single(rows, r => r[0] is not null);
        Assert.Contains(hasher.Hash("CLEARID-0006"), (string)located[0]!, StringComparison.Ordinal);
        var c2 = Assert.Single(rows, r => (long)r[4]! == 3 && ((string)r[5]!).EndsWith(".csv", StringComparison.Ordinal));
        var c2Line = "C2,ATO,2026-11-02T10:00:00Z,m1,block,7,0.8,auto,80,CLEARID-0002,,";
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(c2Line))), c2[1]);
        Assert.Equal((long)c2Line.Length, c2[2]);
        Assert.Equal(hasher.Hash("CLEARID-0001"), TestLake.Query($"select user_id from {_lake.Glob("decisions")}")[0][0]);
    }

    [Fact]
    public void Create_NoHashKey_DevKeyGeneratedOnceOutsideLakeAndStable()
    {
        var keyFile = Path.Combine(_lake.Root, "home", ".riskops", "dev-hash-key");
        var options = new LakeOptions { Root = _lake.Lake, DevKeyFile = keyFile };

        var first = UserIdHasher.Create(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var keyText = File.ReadAllText(keyFile);
        var second = UserIdHasher.Create(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.True(first.IsDevelopmentKey);
        Assert.Equal(first.Hash("user-1"), second.Hash("user-1"));
        Assert.Equal(keyText, File.ReadAllText(keyFile));
        Assert.Equal(64, keyText.Length);
        Assert.NotEqual(first.Hash("user-1"), UserIdHasher.Create(new LakeOptions { HashKey = "other" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Hash("user-1"));
        Assert.False(Directory.Exists(_lake.Lake));

        // Standard HMAC-SHA256 with the key's UTF-8 bytes, so data teams can reproduce a hash (openssl dgst -sha256 -hmac k).
        Assert.Equal(
            "e2c8e4c6b6f892d9bc47c0f6d50af1f280334bc1880f980352d8fe0842904a26",
            UserIdHasher.Create(new LakeOptions { HashKey = "k" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Hash("user-1"));
    }

    [Fact]
    public async Task IngestFileAsync_DevKeyPipelines_HashUserIdsAlike()
    {
        var keyFile = Path.Combine(_lake.Root, "keys", "dev-hash-key");
        var file = _lake.Write("decisions.csv", Samples.Decisions);
        var copy = _lake.Write("decisions-copy.csv", Samples.Decisions.Replace("C1,", "C9,", StringComparison.Ordinal));

        await _lake.Pipeline(hashKey: null, devKeyFile: keyFile).IngestFileAsync(file, null, CancellationToken.None);
        await _lake.Pipeline(hashKey: null, devKeyFile: keyFile).IngestFileAsync(copy, null, CancellationToken.None);

        var rows = TestLake.Query($"select count(distinct user_id) from {_lake.Glob("decisions")} where case_id in ('C1', 'C9')");
        Assert.Equal(1L, rows[0][0]);
    }

    public static TheoryData<string, string> UnreadableFiles => new()
    {
        { "missing.csv", "" },
        { "notes.txt", "case_id,label\nC1,TP\n" },
        { "stuff.csv", "a,b,c\n1,2,3\n" },
        { "decisions.csv", "\0\u0001\u0002binary\0garbage" },
        { "feed.ndjson", "this is not json\n{\"case_id\":\"x\"}\n" },
        { "decisions.parquet", "PAR1 but not really" },
        { "empty.csv", "" },
    };

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public async Task IngestFileAsync_UnreadableFile_ThrowsOneLineAndWritesNothing(string name, string content)
    {
        var path = Path.Combine(_lake.Input, name);
        if (name != "missing.csv")
        {
            File.WriteAllText(path, content);
        }

        var ex = await Assert.ThrowsAsync<UnreadableInputException>(() => _lake.Pipeline().IngestFileAsync(path, null, CancellationToken.None));

        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_lake.Listing(), f => !f.StartsWith("_staging/", StringComparison.Ordinal) || f.EndsWith(".parquet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestFileAsync_InvalidUtf8MidFile_OnlyThatLineQuarantinedUnderItsOwnLineNumber()
    {
        var path = Path.Combine(_lake.Input, "decisions.csv");
        var bytes = Encoding.UTF8.GetBytes(Samples.Decisions).Concat(new byte[] { 0xC3, 0x28, 0x0A }).ToArray();
        File.WriteAllBytes(path, bytes);

        var result = await _lake.Pipeline().IngestFileAsync(path, null, CancellationToken.None);

        Assert.Equal(3, result.Landed);
        var q = Assert.Single(result.QuarantineSample);
        Assert.Equal(5, q.Line);
        Assert.Equal("line 5 is not valid UTF-8", q.Reason);
        Assert.DoesNotContain(_lake.Listing(), f => f.StartsWith("_staging/", StringComparison.Ordinal) && f.EndsWith(".parquet", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("decisions_2026-11-02.csv", RecordKind.Decisions)]
    [InlineData("qa_audits-x.ndjson", RecordKind.QaAudits)]
    [InlineData("sop-coverage.parquet", RecordKind.SopCoverage)]
    [InlineData("Labels.csv", RecordKind.Labels)]
    [InlineData("decisionsX.csv", null)]
    [InlineData("export.csv", null)]
    public void KindFromFileName_Name_LeadingKindName(string name, RecordKind? expected) =>
        Assert.Equal(expected, IngestPipeline.KindFromFileName(name));

    [Fact]
    public async Task IngestFileAsync_KindFromHeader_WhenNameSaysNothing()
    {
        var file = _lake.Write("export-17.csv", Samples.QaAudits);

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(RecordKind.QaAudits, result.Kind);
        Assert.Equal(2, _lake.Count("qa_audits"));
    }

    [Fact]
    public async Task IngestRowsAsync_TypedValues_LandAndRetriedBatchKeyIsNoOp()
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>
        {
            new Dictionary<string, object?>
            {
                ["case_id"] = "T1", ["case_type"] = "ATO", ["scored_at"] = new DateTimeOffset(2026, 11, 3, 1, 0, 0, TimeSpan.FromHours(8)),
                ["model_version"] = "m1", ["ai_decision"] = "block", ["confidence"] = 0.93, ["threshold"] = 0.9m, ["routing"] = "auto",
                ["priority"] = 90, ["user_id"] = "u-typed", ["signals"] = new List<string> { "vpn_ip" }, ["region"] = "EU",
            },
            new Dictionary<string, object?>
            {
                ["case_id"] = "T2", ["case_type"] = "ATO", ["scored_at"] = new DateTime(2026, 11, 3, 5, 0, 0, DateTimeKind.Utc),
                ["model_version"] = "m1", ["ai_decision"] = "pass", ["confidence"] = 0.5f, ["threshold"] = 0.9, ["routing"] = "manual",
                ["priority"] = 10L, ["user_id"] = "u-typed-2", ["signals"] = null, ["region"] = null,
            },
            new Dictionary<string, object?>
            {
                ["case_id"] = "T3", ["case_type"] = "ATO", ["scored_at"] = new DateTime(2026, 11, 3, 5, 0, 0, DateTimeKind.Unspecified),
                ["model_version"] = "m1", ["ai_decision"] = "pass", ["confidence"] = 0.5, ["threshold"] = 0.9, ["routing"] = "manual",
                ["priority"] = 10, ["user_id"] = "u-typed-3",
            },
        };
        var pipeline = _lake.Pipeline();

        var result = await pipeline.IngestRowsAsync(RecordKind.Decisions, rows, "test:rows", "key-1", CancellationToken.None);
        var retry = await pipeline.IngestRowsAsync(RecordKind.Decisions, rows, "test:rows", "key-1", CancellationToken.None);

        Assert.Equal(2, result.Landed);
        Assert.Contains("scored_at: the value has no UTC offset", Assert.Single(result.QuarantineSample).Reason, StringComparison.Ordinal);
        Assert.True(retry.AlreadyIngested);
        var stored = TestLake.Query($"select case_id, scored_at::varchar, dt::varchar, threshold, priority, signals, source from {_lake.Glob("decisions")} order by case_id");
        Assert.Equal("2026-11-02 17:00:00+00", stored[0][1]);
        Assert.Equal("2026-11-02", stored[0][2]);
        Assert.Equal(0.9, stored[0][3]);
        Assert.Equal(10, stored[1][4]);
        Assert.Equal(new List<string>(), stored[1][5]);
        Assert.Equal("test:rows", stored[0][6]);
    }

    [Fact]
    public async Task IngestStreamAsync_SameBodyTwice_LandsOnce()
    {
        var body = Encoding.UTF8.GetBytes(Samples.Reviews);
        var pipeline = _lake.Pipeline();

        var first = await pipeline.IngestStreamAsync(new MemoryStream(body), RecordFormat.Csv, RecordKind.Reviews, "http:test", null, CancellationToken.None);
        var second = await pipeline.IngestStreamAsync(new MemoryStream(body), RecordFormat.Csv, RecordKind.Reviews, "http:test", null, CancellationToken.None);

        Assert.Equal(2, first.Landed);
        Assert.True(second.AlreadyIngested);
        Assert.Equal(2, _lake.Count("reviews"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_lake.Lake, "_staging")));
    }

    [Fact]
    public async Task IngestFileAsync_ManyPartitionsAndSmallRowGroups_AllRowsLandInTheirDt()
    {
        var builder = new StringBuilder(Samples.DecisionsHeader + "\n");
        for (var i = 0; i < 5000; i++)
        {
            builder.Append($"C{i},ATO,2026-11-{1 + (i % 20):00}T12:00:00Z,m1,block,0.9,0.8,auto,{i % 100},u{i},a|b,EU\n");
        }

        var file = _lake.Write("decisions.csv", builder.ToString());
        var pipeline = _lake.Pipeline();
        pipeline.RowGroupRows = 100;
        pipeline.MaxBufferedRows = 700;

        var result = await pipeline.IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(5000, result.Landed);
        var rows = TestLake.Query($"select count(*), count(distinct dt), count(*) filter (where strftime(scored_at, '%Y-%m-%d') <> dt::varchar) from {_lake.Glob("decisions")}");
        Assert.Equal(5000L, rows[0][0]);
        Assert.Equal(20L, rows[0][1]);
        Assert.Equal(0L, rows[0][2]);
    }
}
