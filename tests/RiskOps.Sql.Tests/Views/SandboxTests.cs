using System.Diagnostics;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Views;

/// <summary>
/// <see cref="Warehouse.QuerySandboxed"/> (<c>riskops sql</c>, contract v2 §3) against the attacks of the hardening
/// issue: writes through EXPLAIN ANALYZE COPY, reads outside the lake, configuration changes, runaway queries.
/// </summary>
public sealed class SandboxTests : IDisposable
{
    private readonly TestLake _lake = TestLake.Create(RandomLake.Generate(3, 50));
    private readonly Warehouse _warehouse;

    public SandboxTests() => _warehouse = Warehouse.Open(_lake.Root);

    public void Dispose()
    {
        _warehouse.Dispose();
        _lake.Dispose();
    }

    [Fact]
    public void QuerySandboxed_SelectOverViews_Answers()
    {
        var result = _warehouse.QuerySandboxed("select count(*) as n from cases where case_type = 'ATO'");

        Assert.Equal(["n"], result.Columns);
        Assert.Equal(_warehouse.Query("select count(*) as n from cases where case_type = 'ATO'").Rows[0][0], result.Rows[0][0]);
    }

    [Fact]
    public void QuerySandboxed_ExplainAnalyzeCopyIntoTheLake_RefusedAndNothingWritten()
    {
        var target = Path.Combine(_lake.Root, "decisions", "dt=2026-11-20", "part-evil.parquet");
        var before = Directory.EnumerateFiles(_lake.Root, "*", SearchOption.AllDirectories).Count();

        var error = Assert.Throws<InvalidQueryException>(() =>
            _warehouse.QuerySandboxed($"explain analyze copy (select * from raw_decisions limit 1) to '{target}' (format parquet)"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(target));
        Assert.Equal(before, Directory.EnumerateFiles(_lake.Root, "*", SearchOption.AllDirectories).Count());
    }

    [Theory]
    [InlineData("copy (select 1) to '/tmp/riskops-sandbox-copy.csv'")]
    [InlineData("attach '/tmp/riskops-sandbox.db' as evil")]
    [InlineData("set enable_external_access = true")]
    [InlineData("pragma enable_profiling")]
    [InlineData("install httpfs")]
    [InlineData("load json")]
    [InlineData("create table t as select 1")]
    [InlineData("select 1; select 2")]
    [InlineData("select 1; copy (select 1) to '/tmp/riskops-sandbox-copy.csv'")]
    [InlineData("drop view decisions")]
    [InlineData("export database '/tmp/riskops-sandbox-export'")]
    public void QuerySandboxed_NotOneSelect_Refused(string sql)
    {
        var error = Assert.Throws<InvalidQueryException>(() => _warehouse.QuerySandboxed(sql));

        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists("/tmp/riskops-sandbox-copy.csv"));
        Assert.False(Directory.Exists("/tmp/riskops-sandbox-export"));
    }

    [Fact]
    public void QuerySandboxed_FilesOutsideTheRecordFolders_Refused()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"riskops-sandbox-secret-{Guid.NewGuid():N}.txt");
        File.WriteAllText(secret, "hmac-key");
        var rollup = _warehouse.BuildRollups(RandomLake.AsOf);
        try
        {
            string[] attacks =
            [
                "select * from read_text('/etc/passwd')",
                $"select * from read_text('{secret}')",
                $"select * from read_csv('{secret}')",
                "select * from glob('/etc/*')",
                $"select count(*) from read_parquet('{rollup}/cases.parquet')",
                $"select count(*) from read_parquet('{_lake.Root}/decisions/../_rollups/**/*.parquet')",
                $"select * from read_text('{_lake.Root}/decisions/../../{Path.GetFileName(secret)}')",
            ];
            foreach (var attack in attacks)
            {
                var error = Assert.Throws<InvalidQueryException>(() => _warehouse.QuerySandboxed(attack));
                Assert.DoesNotContain("hmac-key", error.Message);
                Assert.DoesNotContain("root:", error.Message);
            }
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void QuerySandboxed_ConfigurationInsideASelect_CannotBeChanged()
    {
        // Settings cannot be reached from a SELECT, and the configuration is locked besides: current_setting only reads.
        var result = _warehouse.QuerySandboxed("select current_setting('enable_external_access') as e, current_setting('lock_configuration') as l");

        Assert.Equal("false", result.Rows[0][0]?.ToString()?.ToLowerInvariant());
        Assert.Equal("true", result.Rows[0][1]?.ToString()?.ToLowerInvariant());
    }

    [Fact]
    public void QuerySandboxed_RunawayQuery_InterruptedAtTheTimeout()
    {
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidQueryException>(() =>
            _warehouse.QuerySandboxed("select count(*) from range(100000000000000)", new SandboxLimits { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.Contains("time limit", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [Fact]
    public void QuerySandboxed_QueryOverTheMemoryCap_FailsWithOneLine()
    {
        var error = Assert.Throws<InvalidQueryException>(() =>
            _warehouse.QuerySandboxed("select list(range) from range(50000000)", new SandboxLimits { MemoryLimit = "64MB" }));

        Assert.DoesNotContain('\n', error.Message);
    }
}
