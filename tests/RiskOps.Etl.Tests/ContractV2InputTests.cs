using System.Text;
using System.Text.Json;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Tests;

/// <summary>Contract v2 §1 "bounds and shapes": lengths, JSON types, NUL bytes, invalid UTF-8, 1 MiB records, CSV quotes.</summary>
public sealed class ContractV2InputTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    /// <summary>One decision as an NDJSON line; <paramref name="overrides"/> replaces fields with raw JSON values.</summary>
    internal static string DecisionLine(string caseId, string userId, params (string Field, string Json)[] overrides)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["case_id"] = JsonSerializer.Serialize(caseId),
            ["case_type"] = "\"ATO\"",
            ["scored_at"] = "\"2026-11-02T10:00:00Z\"",
            ["model_version"] = "\"m1\"",
            ["ai_decision"] = "\"block\"",
            ["confidence"] = "0.9",
            ["threshold"] = "0.8",
            ["routing"] = "\"auto\"",
            ["priority"] = "80",
            ["user_id"] = JsonSerializer.Serialize(userId),
            ["signals"] = "[\"vpn_ip\"]",
        };
        foreach (var (field, json) in overrides)
        {
            if (json.Length == 0)
            {
                fields.Remove(field);
            }
            else
            {
                fields[field] = json;
            }
        }

        return "{" + string.Join(",", fields.Select(f => JsonSerializer.Serialize(f.Key) + ":" + f.Value)) + "}";
    }

    public static TheoryData<string, string, string?> BoundCases => new()
    {
        // field, JSON value, expected reason (null: lands)
        { "case_type", Json(new string('A', 256)), null },
        { "case_type", Json(new string('A', 257)), "case_type: 257 code points, more than the 256 allowed" },
        { "case_type", Json(new string('A', 1 << 19)), "case_type: 524,288 code points" },
        { "model_version", Json(string.Concat(Enumerable.Repeat("😀", 256))), null },
        { "model_version", Json(string.Concat(Enumerable.Repeat("😀", 257))), "model_version: 257 code points, more than the 256 allowed" },
        { "case_id", Json(new string('c', 300)), "case_id: 300 code points, more than the 256 allowed" },
        { "user_id", Json(new string('u', 257)), "user_id: 257 code points" },
        { "ai_decision", Json(new string('b', 300)), "ai_decision: 300 code points" },
        { "signals", "[" + string.Join(",", Enumerable.Range(0, 16).Select(i => Json("s" + i))) + "]", null },
        { "signals", "[" + string.Join(",", Enumerable.Range(0, 17).Select(i => Json("s" + i))) + "]", "signals: 17 items, more than the 16 allowed" },
        { "signals", Json(string.Join("|", Enumerable.Range(0, 17).Select(i => "s" + i))), "signals: 17 items, more than the 16 allowed" },
        { "signals", "[" + Json(new string('s', 64)) + "]", null },
        { "signals", "[" + Json(new string('s', 65)) + "]", "signals: an item is over 64 code points" },
        { "signals", "[\"vpn_ip,new_device\"]", "signals: an item contains ','" },
        { "region", Json(new string('r', 257)), "region: 257 code points" },
        { "experiment", Json(new string('e', 257)), "experiment: 257 code points" },
    };

    [Theory]
    [MemberData(nameof(BoundCases))]
    public async Task IngestFileAsync_DecisionValueAtAndOverItsBound_LandsOrQuarantinedWithoutQuotingIt(string field, string json, string? reason)
    {
        var overrides = field == "experiment" ? new[] { (field, json), ("variant", "\"control\"") } : new[] { (field, json) };
        var file = _lake.Write("decisions.ndjson", DecisionLine("B1", "u-1") + "\n" + DecisionLine("B2", "u-2", overrides) + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        if (reason is null)
        {
            Assert.Equal(2, result.Landed);
            return;
        }

        Assert.Equal(1, result.Landed);
        var stored = TestLake.Query($"select line, reason from {_lake.Glob("quarantine")}");
        var row = Assert.Single(stored);
        Assert.Equal(2L, row[0]);
        Assert.Contains(reason, (string)row[1]!, StringComparison.Ordinal);
        Assert.True(((string)row[1]!).Length < 200, "the reason never quotes the value");
    }

    public static TheoryData<string, string, string, string?> OtherKindBounds => new()
    {
        // kind, header, row, expected reason (null: lands)
        { "labels", "case_id,label,labeled_by,labeled_at,annotation", "C1,TP,lab,2026-11-03T10:00:00Z," + new string('a', 4000), null },
        { "labels", "case_id,label,labeled_by,labeled_at,annotation", "C1,TP,lab,2026-11-03T10:00:00Z," + new string('a', 4001), "annotation: 4,001 code points, more than the 4,000 allowed" },
        { "reviews", "review_id,case_id,reviewer_id,reviewer_org,reviewer_tier,assigned_at,rationale", "R1,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z," + new string('a', 4001), "rationale: 4,001 code points" },
        { "qa_audits", "audit_id,review_id,auditor_id,audited_at,verdict,error_category", "A1,R1,q,2026-11-04T10:00:00Z,correct," + new string('e', 4001), "error_category: 4,001 code points" },
        { "qa_audits", "audit_id,review_id,auditor_id,audited_at,verdict,error_category", "A1,R1,q,2026-11-04T10:00:00Z,correct," + new string('e', 4000), null },
        { "sop_coverage", "case_type,scenario_code,covered,updated_at,sop_page", "ATO,ATO.x,true,2026-10-01T00:00:00Z,https://wiki/" + new string('p', 1987), null },
        { "sop_coverage", "case_type,scenario_code,covered,updated_at,sop_page", "ATO,ATO.x,true,2026-10-01T00:00:00Z,https://wiki/" + new string('p', 1988), "sop_page: 2,001 code points, more than the 2,000 allowed" },
        { "sop_coverage", "case_type,scenario_code,covered,updated_at,sop_version", "ATO,ATO.x,true,2026-10-01T00:00:00Z," + new string('v', 257), "sop_version: 257 code points" },
        { "reviews", "review_id,case_id,reviewer_id,reviewer_org,reviewer_tier,assigned_at,vendor", "R1,C1,r,BPO,agent,2026-11-02T10:00:00Z," + new string('v', 257), "vendor: 257 code points" },
    };

    [Theory]
    [MemberData(nameof(OtherKindBounds))]
    public async Task IngestFileAsync_FreeTextAndNamesAtAndOverTheirBound_LandOrQuarantined(string kind, string header, string row, string? reason)
    {
        var file = _lake.Write($"{kind}.csv", header + "\n" + row + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        if (reason is null)
        {
            Assert.Equal(1, result.Landed);
            return;
        }

        Assert.Equal(0, result.Landed);
        Assert.Contains(reason, Assert.Single(result.QuarantineSample).Reason, StringComparison.Ordinal);
        Assert.Contains(reason, (string)TestLake.Query($"select reason from {_lake.Glob("quarantine")}")[0][0]!, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Shapes => new()
    {
        // field, JSON value, expected reason
        { "user_id", "[\"x\"]", "user_id: a JSON array is not a valid string" },
        { "user_id", "{\"id\":\"x\"}", "user_id: a JSON object is not a valid string" },
        { "user_id", "true", "user_id: a JSON boolean is not a valid string" },
        { "case_id", "true", "case_id: a JSON boolean is not a valid string" },
        { "case_id", "[\"C\"]", "case_id: a JSON array is not a valid string" },
        { "case_type", "{}", "case_type: a JSON object is not a valid string" },
        { "ai_decision", "false", "ai_decision: a JSON boolean is not a valid string" },
        { "scored_at", "1764669600", "scored_at: a JSON number is not a valid timestamp" },
        { "confidence", "[0.9]", "confidence: a JSON array is not a valid number" },
        { "priority", "true", "priority: a JSON boolean is not a valid number" },
        { "signals", "[[\"a\"]]", "signals: a JSON array of arrays is not a valid list of strings" },
        { "signals", "{\"a\":1}", "signals: a JSON object is not a valid list of strings" },
        { "region", "false", "region: a JSON boolean is not a valid string" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task IngestFileAsync_NdjsonValueOfTheWrongJsonType_QuarantinedNamingFieldAndType(string field, string json, string reason)
    {
        var file = _lake.Write("decisions.ndjson", DecisionLine("S1", "u-1") + "\n" + DecisionLine("S2", "u-2", (field, json)) + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(1, result.Landed);
        Assert.Equal(["S1"], TestLake.Query($"select case_id from {_lake.Glob("decisions")}").Select(r => (string)r[0]!));
        var stored = Assert.Single(TestLake.Query($"select line, reason from {_lake.Glob("quarantine")}"));
        Assert.Equal(2L, stored[0]);
        Assert.Equal(reason, stored[1]);
    }

    [Fact]
    public async Task IngestFileAsync_NdjsonNumberInStringFields_TakenAsItsLiteralToken()
    {
        var file = _lake.Write("decisions.ndjson",
            DecisionLine("unused", "u-1", ("case_id", "1.0"), ("model_version", "2.10"), ("user_id", "1e3"), ("region", "-0")) + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(1, result.Landed);
        var row = TestLake.Query($"select case_id, model_version, region, user_id from {_lake.Glob("decisions")}")[0];
        Assert.Equal(["1.0", "2.10", "-0"], row[..3].Select(v => (string)v!));
        Assert.Equal(Validation.UserIdHasher.Create(new Lake.LakeOptions { HashKey = "test-hash-key" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Hash("1e3"), row[3]);
    }

    [Fact]
    public async Task IngestFileAsync_NulByteOnLine1699OfNdjson_OnlyThatLineQuarantined()
    {
        var lines = Enumerable.Range(1, 2000).Select(i => DecisionLine($"N{i}", $"u-{i}")).ToArray();
        lines[1698] = lines[1698].Replace("\"m1\"", "\"m\u00001\"", StringComparison.Ordinal);
        var file = _lake.Write("decisions.ndjson", string.Join("\n", lines) + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(1999, result.Landed);
        var q = Assert.Single(result.QuarantineSample);
        Assert.Equal(1699, q.Line);
        Assert.Equal("line 1699 holds a NUL byte", q.Reason);
        Assert.Equal(1999L, TestLake.Query($"select count(*) from {_lake.Glob("decisions")}")[0][0]);
    }

    [Theory]
    [InlineData("decisions.ndjson")]
    [InlineData("decisions.csv")]
    public async Task IngestFileAsync_InvalidUtf8OnOneLine_ThatLineQuarantinedUnderItsOwnNumber(string name)
    {
        var good = name.EndsWith(".csv", StringComparison.Ordinal)
            ? Enumerable.Range(1, 300).Select(i => $"C{i},ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-{i},,").Prepend(Samples.DecisionsHeader).ToList()
            : Enumerable.Range(1, 300).Select(i => DecisionLine($"C{i}", $"u-{i}")).ToList();
        var bytes = new List<byte>();
        for (var i = 0; i < good.Count; i++)
        {
            var line = Encoding.UTF8.GetBytes(good[i]).ToList();
            if (i == 211)
            {
                // A lone continuation byte inside a field, 64 KiB-buffer boundaries or not.
                line.InsertRange(line.Count / 2, new byte[] { 0xC3, 0x28 });
            }

            bytes.AddRange(line);
            bytes.Add((byte)'\n');
        }

        var path = Path.Combine(_lake.Input, name);
        File.WriteAllBytes(path, bytes.ToArray());

        var result = await _lake.Pipeline().IngestFileAsync(path, null, CancellationToken.None);

        Assert.Equal(299, result.Landed);
        var q = Assert.Single(result.QuarantineSample);
        Assert.Equal(212, q.Line);
        Assert.Equal("line 212 is not valid UTF-8", q.Reason);
    }

    [Fact]
    public async Task IngestFileAsync_NdjsonLineOverOneMiB_QuarantinedAloneWithBoundedRaw()
    {
        var huge = DecisionLine("H2", "u-2", ("region", Json(new string('x', (1 << 20) + 10))));
        var file = _lake.Write("decisions.ndjson", DecisionLine("H1", "u-1") + "\n" + huge + "\n" + DecisionLine("H3", "u-3") + "\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(2, result.Landed);
        var row = Assert.Single(TestLake.Query($"select line, reason, raw, raw_length from {_lake.Glob("quarantine")}"));
        Assert.Equal(2L, row[0]);
        Assert.Equal("line 2 is over 1 MiB (the record limit)", row[1]);
        Assert.Null(row[2]);
        Assert.Equal((long)(1 << 20), row[3]);
    }

    [Fact]
    public async Task IngestFileAsync_UnclosedQuoteOnLine2OfMultiMegabyteCsv_OnlyLine2QuarantinedRestLands()
    {
        const int rows = 60_000;
        var builder = new StringBuilder(Samples.DecisionsHeader).Append('\n');
        for (var i = 1; i <= rows; i++)
        {
            var region = i == 1 ? "\"EU" : "EU";
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"C{i},ATO,2026-11-02T10:00:00Z,model-version-1.4.2,block,0.9,0.8,auto,80,user-{i:D8},new_device|vpn_ip,{region}\n");
        }

        var file = _lake.Write("decisions.csv", builder.ToString());
        Assert.True(new FileInfo(file).Length > 5_000_000);

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(rows - 1, result.Landed);
        Assert.Equal(1, result.Quarantined);
        var row = Assert.Single(TestLake.Query($"select line, reason, raw_length from {_lake.Glob("quarantine")}"));
        Assert.Equal(2L, row[0]);
        Assert.Contains("never closed", (string)row[1]!, StringComparison.Ordinal);
        Assert.True((long)row[2]! < 200, $"the quarantined raw is line 2 alone, not the file ({row[2]} bytes)");
        var later = TestLake.Query($"select case_id, source_line from {_lake.Glob("decisions")} where case_id in ('C2', 'C60000') order by source_line");
        Assert.Equal(3L, later[0][1]);
        Assert.Equal((long)rows + 1, later[1][1]);
    }

    [Fact]
    public async Task IngestFileAsync_CsvQuotedRecordOverOneMiB_BreaksAtItsFirstLineAndReadingResumes()
    {
        // A quoted rationale that goes on for 2 MiB of lines: over the limit, so line 2 breaks alone and lines 3.. are read
        // again as records (they do not parse as reviews and are quarantined one by one, the good record after them lands).
        var filler = string.Concat(Enumerable.Repeat(new string('x', 1000) + "\n", 2100));
        var file = _lake.Write("reviews.csv",
            "review_id,case_id,reviewer_id,reviewer_org,reviewer_tier,assigned_at,rationale\n" +
            "R1,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z,\"starts here\n" + filler + "\"\n" +
            "R2,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z,fine\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(["R2"], TestLake.Query($"select review_id from {_lake.Glob("reviews")}").Select(r => (string)r[0]!));
        var first = TestLake.Query($"select line, reason, raw from {_lake.Glob("quarantine")} order by line")[0];
        Assert.Equal(2L, first[0]);
        Assert.Contains("over 1 MiB", (string)first[1]!, StringComparison.Ordinal);
        Assert.Equal(2102, result.Quarantined);
    }

    [Fact]
    public async Task IngestFileAsync_CsvSingleLineOverOneMiBAndNulLine_EachBreaksAloneOthersLand()
    {
        var file = _lake.Write("decisions.csv",
            Samples.DecisionsHeader + "\n" +
            "C1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-1,,EU\n" +
            "C2,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-2,," + new string('r', (1 << 20) + 5) + "\n" +
            "C3,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-3,,E\0U\n" +
            "C4,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-4,,EU\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(2, result.Landed);
        Assert.Equal(["line 3 is over 1 MiB (the record limit)", "line 4 holds a NUL byte"], result.QuarantineSample.Select(q => q.Reason));
    }

    [Fact]
    public async Task IngestFileAsync_StrayQuoteInUnquotedCsvField_DoesNotSwallowTheNextLines()
    {
        var file = _lake.Write("reviews.csv",
            "review_id,case_id,reviewer_id,reviewer_org,reviewer_tier,assigned_at,rationale\n" +
            "R1,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z,a 5\" screen\n" +
            "R2,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z,\"quoted, fine\"\n" +
            "R3,C1,r,INHOUSE,agent,2026-11-02T10:00:00Z,plain\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(["R2", "R3"], TestLake.Query($"select review_id from {_lake.Glob("reviews")} order by 1").Select(r => (string)r[0]!));
        var q = Assert.Single(result.QuarantineSample);
        Assert.Equal(2, q.Line);
    }

    private static string Json(string value) => JsonSerializer.Serialize(value);
}
