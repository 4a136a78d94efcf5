using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Tests;

public sealed class IngestRoundTripTests : IDisposable
{
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task IngestFileAsync_Decisions_LandWithContractTypesAndValues()
    {
        var file = _lake.Write("decisions_2026-11-02.csv", Samples.Decisions);

        var result = await _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None);

        Assert.Equal(RecordKind.Decisions, result.Kind);
        Assert.Equal(3, result.Landed);
        Assert.Equal(0, result.Quarantined);
        var types = TestLake.Query($"select column_name, column_type from (describe select * from {_lake.Glob("decisions")})")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["scored_at"]);
        Assert.Equal("DOUBLE", types["confidence"]);
        Assert.Equal("DOUBLE", types["threshold"]);
        Assert.Equal("INTEGER", types["priority"]);
        Assert.Equal("VARCHAR[]", types["signals"]);
        Assert.Equal("VARCHAR", types["case_id"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["ingested_at"]);
        Assert.Equal("BIGINT", types["source_line"]);
        Assert.Equal("DATE", types["dt"]);

        var rows = TestLake.Query(
            $"select case_id, scored_at::varchar, confidence, priority, signals, region, source_line, dt::varchar, batch_id, ingested_at::varchar, length(user_id) from {_lake.Glob("decisions")} order by case_id");
        Assert.Equal("C1", rows[0][0]);
        Assert.Equal("2026-11-02 10:15:30.123456+00", rows[0][1]);
        Assert.Equal(0.97, rows[0][2]);
        Assert.Equal(80, rows[0][3]);
        Assert.Equal(new List<string> { "new_device", "vpn_ip" }, rows[0][4]);
        Assert.Equal(new List<string>(), rows[1][4]);
        Assert.Equal("EU", rows[0][5]);
        Assert.Equal(2L, rows[0][6]);
        Assert.Equal("2026-11-02", rows[0][7]);
        Assert.Equal(result.BatchId, rows[0][8]);
        Assert.Equal("2026-11-23 09:30:00+00", rows[0][9]);
        Assert.Equal(64, Convert.ToInt32(rows[0][10]));

        // 23:30 at +08:00 is 15:30 UTC the same day.
        Assert.Equal("2026-11-02 15:30:00+00", rows[1][1]);
        Assert.Equal("2026-11-02", rows[1][7]);
        Assert.Null(rows[1][5]);
        Assert.Equal(3L, rows[1][6]);
        Assert.Equal("CUSTOM_TYPE", TestLake.Query($"select case_type from {_lake.Glob("decisions")} where case_id = 'C3'")[0][0]);
    }

    [Fact]
    public async Task IngestFileAsync_AllKinds_IndependentDuckDbReadsSameTypesAndValues()
    {
        var pipeline = _lake.Pipeline();
        await pipeline.IngestFileAsync(_lake.Write("decisions.csv", Samples.Decisions), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("reviews.csv", Samples.Reviews), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("labels.csv", Samples.Labels), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("qa_audits.csv", Samples.QaAudits), null, CancellationToken.None);
        await pipeline.IngestFileAsync(_lake.Write("sop_coverage.csv", Samples.SopCoverage), null, CancellationToken.None);

        var types = TestLake.NodeQuery(
            "select column_name, column_type from (describe select * from " + _lake.Glob("decisions") + ") union all " +
            "select column_name, column_type from (describe select * from " + _lake.Glob("reviews") + ") union all " +
            "select column_name, column_type from (describe select * from " + _lake.Glob("labels") + ") union all " +
            "select column_name, column_type from (describe select * from " + _lake.Glob("sop_coverage") + ")");
        var byName = new Dictionary<string, string>();
        foreach (var row in types.EnumerateArray())
        {
            byName[row.GetProperty("column_name").GetString()!] = row.GetProperty("column_type").GetString()!;
        }

        Assert.Equal("TIMESTAMP WITH TIME ZONE", byName["scored_at"]);
        Assert.Equal("VARCHAR[]", byName["signals"]);
        Assert.Equal("INTEGER", byName["priority"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", byName["resolved_at"]);
        Assert.Equal("DOUBLE", byName["sample_weight"]);
        Assert.Equal("BOOLEAN", byName["annotation_flagged"]);
        Assert.Equal("BOOLEAN", byName["covered"]);

        var values = TestLake.NodeQuery(
            "select (select epoch_us(scored_at)::varchar from " + _lake.Glob("decisions") + " where case_id = 'C2') as c2_scored, " +
            "(select string_agg(review_id || ':' || coalesce(vendor, '-') || ':' || coalesce(decision, '-') || ':' || (resolved_at is null)::varchar, ',' order by review_id) from " + _lake.Glob("reviews") + ") as reviews, " +
            "(select rationale from " + _lake.Glob("reviews") + " where review_id = 'R1') as rationale, " +
            "(select string_agg(case_id || ':' || label_source || ':' || annotation_flagged::varchar || ':' || coalesce(sample_weight::varchar, '-'), ',' order by case_id) from " + _lake.Glob("labels") + ") as labels, " +
            "(select count(*) from " + _lake.Glob("qa_audits") + " where verdict = 'incorrect') as incorrect, " +
            "(select string_agg(scenario_code || ':' || covered::varchar, ',' order by scenario_code) from " + _lake.Glob("sop_coverage") + ") as sop");
        var v = values[0];
        Assert.Equal((new DateTimeOffset(2026, 11, 2, 15, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture), v.GetProperty("c2_scored").GetString());
        Assert.Equal("R1:Acme BPO:pass:false,R2:-:-:true", v.GetProperty("reviews").GetString());
        Assert.Equal("looks fine, \"verified\"", v.GetProperty("rationale").GetString());
        Assert.Equal("C1:review:false:-,C2:audit_sample:true:20.0", v.GetProperty("labels").GetString());
        Assert.Equal("1", v.GetProperty("incorrect").ToString());
        Assert.Equal("ATO.new_device:true,ATO.sim_swap:false", v.GetProperty("sop").GetString());
    }
}
