using System.Diagnostics;
using System.Text.Json;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Views;

/// <summary>The documented views: latest-wins resolution, empty lakes, UTC weeks, --print-views in an independent DuckDB.</summary>
public sealed class WarehouseViewTests
{
    [Fact]
    public void Open_MissingLake_ViewsAreEmptyWithTheirColumns()
    {
        var root = Path.Combine(Path.GetTempPath(), "riskops-sql-tests", "missing-" + Guid.NewGuid().ToString("N"));
        using var warehouse = Warehouse.Open(root);

        var cases = warehouse.Query("select * from cases");
        var decisions = warehouse.Query("select column_name, column_type from (describe raw_decisions)");
        var report = warehouse.GetMetrics(MetricFilters.None, LakeRow.Epoch);

        Assert.Empty(cases.Rows);
        Assert.Contains("week", cases.Columns);
        Assert.Contains("resolution_hours", cases.Columns);
        Assert.Contains(decisions.Rows, r => (string)r[0]! == "scored_at" && (string)r[1]! == "TIMESTAMP WITH TIME ZONE");
        Assert.Contains(decisions.Rows, r => (string)r[0]! == "signals" && (string)r[1]! == "VARCHAR[]");
        Assert.Equal(0, report.Overall.Decisions);
        Assert.Null(report.Overall.Precision);
        Assert.Null(report.Overall.SlaCompliance);
        Assert.Empty(report.ByCaseType);
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Query_LakeGainsFilesAfterOpen_ViewsSeeThem()
    {
        using var lake = new TestLake();
        using var warehouse = Warehouse.Open(lake.Root);
        Assert.Empty(warehouse.Query("select * from decisions").Rows);

        lake.Write(HandLake.Build());

        Assert.Equal(7L, warehouse.Query("select count(*) from decisions").Rows[0][0]);
        Assert.Equal(7L, warehouse.Query("select count(*) from cases").Rows[0][0]);
    }

    [Fact]
    public void Views_HandLake_LatestWinsPerKeyWithIngestionTies()
    {
        using var lake = TestLake.Create(HandLake.Build());
        using var warehouse = Warehouse.Open(lake.Root);

        var c1 = warehouse.Query("select case_type from decisions where case_id = 'c1'").Rows.Single();
        var c2 = warehouse.Query("select model_version from decisions where case_id = 'c2'").Rows.Single();
        var c2Label = warehouse.Query("select label from labels where case_id = 'c2'").Rows.Single();
        var history = warehouse.Query("select label, is_latest from label_history where case_id = 'c2' order by labeled_at").Rows;
        var r3 = warehouse.Query("select decision from reviews where review_id = 'r3'").Rows.Single();
        var a2 = warehouse.Query("select verdict from qa_audits where audit_id = 'a2'").Rows.Single();
        var vpn = warehouse.Query("select covered from sop_coverage where scenario_code = 'ATO.vpn'").Rows.Single();

        Assert.Equal("ATO", c1[0]);
        Assert.Equal("m2", c2[0]);
        Assert.Equal("FP", c2Label[0]);
        Assert.Equal([("TP", false), ("FP", true)], history.Select(r => ((string)r[0]!, (bool)r[1]!)));
        Assert.Equal("pass", r3[0]);
        Assert.Equal("incorrect", a2[0]);
        Assert.Equal(false, vpn[0]);
    }

    [Fact]
    public void Cases_ScoredAtOffsetAcrossNewYear_WeekAndDateAreUtc()
    {
        var data = new LakeData();
        // 2026-12-31 23:30 at -02:00 is 2027-01-01 01:30Z: UTC date 2027-01-01, ISO week 2026-W53.
        data.Decisions.Add(new DecisionRow { CaseId = "ny", ScoredAt = new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.FromHours(-2)) });
        // 2026-11-23 07:00 at +08:00 is 2026-11-22 23:00Z: still Sunday of 2026-W47 in UTC.
        data.Decisions.Add(new DecisionRow { CaseId = "sg", ScoredAt = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.FromHours(8)) });
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        // A reader's own time zone must not move dates or weeks.
        warehouse.Query("select 1");

        var rows = warehouse.Query("select case_id, scored_date::varchar, week from cases order by case_id").Rows;

        Assert.Equal(["ny|2027-01-01|2026-W53", "sg|2026-11-22|2026-W47"], rows.Select(r => string.Join("|", r)));
        Assert.Single(warehouse.GetMetrics(new MetricFilters { Weeks = ["2026-W53"] }, LakeRow.Epoch).ByWeek);
    }

    [Fact]
    public void PrintViews_RunInIndependentNodeDuckDb_GiveTheSameRowCounts()
    {
        var data = RandomLake.Generate(11, 60);
        data.Quarantine.Clear(); // leaves the quarantine folder without files: its view must still bind
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        const string counts = """
            select
                (select count(*) from raw_decisions) as raw_decisions,
                (select count(*) from decisions) as decisions,
                (select count(*) from reviews) as reviews,
                (select count(*) from labels) as labels,
                (select count(*) from label_history) as label_history,
                (select count(*) from qa_audits) as qa_audits,
                (select count(*) from sop_coverage) as sop_coverage,
                (select count(*) from quarantine) as quarantine,
                (select count(*) from cases) as cases,
                (select count(*) from cases where resolved) as resolved,
                (select string_agg(distinct week, ',' order by week) from cases) as weeks
            """;

        var printed = warehouse.PrintViews();
        var node = RunNode(printed + "\n" + counts + ";");
        var mine = warehouse.Query(counts);

        Assert.DoesNotContain("{{lake}}", printed);
        Assert.Contains(lake.Root, printed);
        using var json = JsonDocument.Parse(node);
        var theirs = json.RootElement[0];
        for (var i = 0; i < mine.Columns.Count; i++)
        {
            var value = theirs.GetProperty(mine.Columns[i]);
            var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString();
            Assert.Equal(Convert.ToString(mine.Rows[0][i], System.Globalization.CultureInfo.InvariantCulture), text);
        }
    }

    [Theory]
    [InlineData("delete from decisions")]
    [InlineData("copy (select 1) to '/tmp/x.csv'")]
    [InlineData("select 1; select 2")]
    public void Query_NotASingleReadOnlyStatement_Throws(string sql)
    {
        using var warehouse = Warehouse.Open(Path.GetTempPath());

        Assert.Throws<InvalidQueryException>(() => warehouse.Query(sql));
    }

    /// <summary>Runs SQL in the independent DuckDB (npm @duckdb/node-api, no ICU) in tools/duckdb-check.</summary>
    internal static string RunNode(string sql)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RiskOps.Analytics.sln")))
        {
            dir = dir.Parent;
        }

        // Artifacts may live outside the repo (--artifacts-path): fall back to the source tree of this file.
        var root = dir?.FullName ?? FindRepoFromSource();
        var script = Path.Combine(root, "tools", "duckdb-check", "query.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"node duckdb failed: {error}");
        return output.Result;
    }

    private static string FindRepoFromSource([System.Runtime.CompilerServices.CallerFilePath] string path = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(path)!);
        while (!File.Exists(Path.Combine(dir.FullName, "RiskOps.Analytics.sln")))
        {
            dir = dir.Parent ?? throw new InvalidOperationException("RiskOps.Analytics.sln not found");
        }

        return dir.FullName;
    }
}
