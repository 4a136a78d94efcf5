namespace RiskOps.Sql.Tests;

/// <summary>DuckDB's spill folder: under the system temp folder, per process, cleaned after a killed process.</summary>
public sealed class WarehouseSpillTests
{
    [Fact]
    public void Open_SpillFolderOfAnEndedProcess_RemovedAndOneOfARunningProcessKept()
    {
        var ended = Path.Combine(Path.GetTempPath(), $"riskops-duckdb-{int.MaxValue}-{Guid.NewGuid():N}");
        var running = Path.Combine(Path.GetTempPath(), $"riskops-duckdb-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(ended);
        File.WriteAllText(Path.Combine(ended, "duckdb_temp_block-1.block"), "left by a killed process");
        Directory.CreateDirectory(running);
        var lake = Path.Combine(Path.GetTempPath(), $"riskops-spill-test-{Guid.NewGuid():N}");
        try
        {
            using var warehouse = Warehouse.Open(lake);

            Assert.False(Directory.Exists(ended));
            Assert.True(Directory.Exists(running), "a running process's spill folder may be in use");
        }
        finally
        {
            Directory.Delete(running, recursive: true);
        }
    }
}
