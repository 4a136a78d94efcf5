using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Tests;

public sealed class ValidationQuarantineTests : IDisposable
{
    private const string GoodDecision = "C1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-1,new_device,EU";
    private const string GoodReview = "R1,C1,rev-1,INHOUSE,,agent,2026-11-02T10:00:00Z,2026-11-02T11:00:00Z,pass,";
    private const string GoodLabel = "C1,TP,review,,,,,lab-1,2026-11-03T10:00:00Z";
    private const string GoodAudit = "A1,R1,qa-1,2026-11-04T10:00:00Z,correct,";
    private const string GoodSop = "ATO,ATO.x,true,,,2026-10-01T00:00:00Z";

    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    public static TheoryData<string, string, string, string> BrokenRecords => new()
    {
        // kind, good line, bad line, expected reason
        { "decisions", GoodDecision, ",ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,u-2,,", "case_id: required field is missing" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,block,1.7,0.8,auto,80,u-2,,", "confidence: the value is outside 0..1" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,block,0.5,-0.1,auto,80,u-2,,", "threshold: the value is outside 0..1" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,block,0.5,0.8,auto,120,u-2,,", "priority: the value is outside 0..100" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,block,0.5,0.8,auto,high,u-2,,", "priority: the value is not an integer" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,maybe,0.5,0.8,auto,5,u-2,,", "ai_decision: the value is not one of pass, block" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,pass,0.5,0.8,robot,5,u-2,,", "routing: the value is not one of auto, manual" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00,m1,pass,0.5,0.8,auto,5,u-2,,", "scored_at: the value has no UTC offset" },
        { "decisions", GoodDecision, "C2,ATO,yesterday,m1,pass,0.5,0.8,auto,5,u-2,,", "scored_at: the value is not an ISO-8601 timestamp" },
        { "decisions", GoodDecision, "C2,ato,2026-11-02T10:00:00Z,m1,pass,0.5,0.8,auto,5,u-2,,", "case_type: the value is not UPPER_SNAKE" },
        { "decisions", GoodDecision, "C2,ATO,2026-11-02T10:00:00Z,m1,pass,0.5,0.8,auto,5,u-2,,,extra", "the row has 13 columns, the header has 12" },
        { "reviews", GoodReview, "R2,C1,rev-2,BPO,,agent,2026-11-02T10:00:00Z,,,", "vendor: required when reviewer_org is BPO" },
        { "reviews", GoodReview, "R2,C1,rev-2,INHOUSE,,boss,2026-11-02T10:00:00Z,,,", "reviewer_tier: 'boss' is not one of agent, senior, lead" },
        { "reviews", GoodReview, "R2,C1,rev-2,INHOUSE,,agent,2026-11-02T10:00:00Z,2026-11-02T09:00:00Z,pass,", "resolved_at: is before assigned_at" },
        { "labels", GoodLabel, "C2,FP,review,,,,,lab-1,2026-11-03T10:00:00Z", "root_cause_type: required when label is FP" },
        { "labels", GoodLabel, "C2,FN,review,,D,,,lab-1,2026-11-03T10:00:00Z", "root_cause_type: 'D' is not one of A, B, C" },
        { "labels", GoodLabel, "C2,TP,gossip,,,,,lab-1,2026-11-03T10:00:00Z", "label_source: 'gossip' is not one of review, audit_sample, chargeback, complaint, other" },
        { "labels", GoodLabel, "C2,TP,audit_sample,0,,,,lab-1,2026-11-03T10:00:00Z", "sample_weight: 0 must be greater than 0" },
        { "labels", GoodLabel, "C2,XX,review,,,,,lab-1,2026-11-03T10:00:00Z", "label: 'XX' is not one of TP, TN, FP, FN" },
        { "qa_audits", GoodAudit, "A2,R1,qa-1,2026-11-04T10:00:00Z,meh,", "verdict: 'meh' is not one of correct, incorrect" },
        { "sop_coverage", GoodSop, "ATO,ATO.y,maybe,,,2026-10-01T00:00:00Z", "covered: 'maybe' is not a boolean" },
    };

    [Theory]
    [MemberData(nameof(BrokenRecords))]
    public async Task IngestFileAsync_BrokenRecord_QuarantinedWithFileLineAndReasonWhileGoodOnesLand(string kind, string good, string bad, string reason)
    {
        var header = HeaderOf(kind);
        var file = _lake.Write($"{kind}_x.csv", $"{header}\n{good}\n{bad}\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(1, result.Landed);
        Assert.Equal(1, result.Quarantined);
        var sample = Assert.Single(result.QuarantineSample);
        Assert.Equal(3, sample.Line);
        Assert.Contains(reason, sample.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _lake.Count(kind));
        var stored = TestLake.Query($"select kind, source, line, reason, raw, batch_id from {_lake.Glob("quarantine")}");
        var row = Assert.Single(stored);
        Assert.Equal(kind, row[0]);
        Assert.Equal(file, row[1]);
        Assert.Equal(3L, row[2]);
        Assert.Contains(reason, (string)row[3]!, StringComparison.Ordinal);
        Assert.Equal(result.BatchId, row[5]);
        Assert.DoesNotContain("u-2", row[4] as string ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("u-2", (string)row[3]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestFileAsync_SeveralBrokenRules_ReasonNamesEachField()
    {
        var file = _lake.Write("decisions.csv", $"{HeaderOf("decisions")}\nC2,ATO,2026-11-02T10:00:00Z,m1,maybe,1.5,0.8,auto,5,u-2,,\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        var reason = Assert.Single(result.QuarantineSample).Reason;
        Assert.Contains("ai_decision: the value is not one of pass, block", reason, StringComparison.Ordinal);
        Assert.Contains("confidence: the value is outside 0..1", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestFileAsync_QuotedFieldSpanningLines_LaterRecordsKeepPhysicalLineNumbers()
    {
        var file = _lake.Write("reviews.csv",
            HeaderOf("reviews") + "\n" +
            "R1,C1,rev-1,INHOUSE,,agent,2026-11-02T10:00:00Z,,,\"first line\nsecond line\r\nthird line\"\n" +
            "R2,C1,rev-2,BPO,,agent,2026-11-02T10:00:00Z,,,\n");

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(1, result.Landed);
        Assert.Equal(5, Assert.Single(result.QuarantineSample).Line);
        Assert.Equal("first line\nsecond line\r\nthird line", TestLake.Query($"select rationale from {_lake.Glob("reviews")}")[0][0]);
    }

    [Fact]
    public async Task IngestFileAsync_LongAnnotation_LandsFlagged()
    {
        var file = _lake.Write("labels.csv", Samples.Labels);

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(2, result.Landed);
        Assert.Equal(1, result.Flagged);
        var rows = TestLake.Query($"select case_id, annotation_flagged from {_lake.Glob("labels")} order by case_id");
        Assert.Equal(false, rows[0][1]);
        Assert.Equal(true, rows[1][1]);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("Confirmed takeover.", 1)]
    [InlineData("Score 0.95 was high. Device v2.1 seen", 2)]
    [InlineData("One. Two! Three?", 3)]
    [InlineData("One. Two! Three? Four.", 4)]
    [InlineData("Line one\nLine two\nLine three\nLine four", 4)]
    [InlineData("Wait... really?! Yes.", 3)]
    public void CountSentences_Text_CountsSentenceEnds(string text, int expected) =>
        Assert.Equal(expected, Validation.Annotations.CountSentences(text));

    // The pre-v2 fields only (a header without experiment/variant is as valid as ever).
    private static string HeaderOf(string kind) =>
        string.Join(',', KindSchemas.For(RecordKinds.TryParse(kind, out var k) ? k : throw new ArgumentException(kind)).Fields.Where(f => !f.AddedInV2).Select(f => f.Name));
}
