namespace RiskOps.Cli.Tests;

/// <summary>Broken command-line input: one clear line on stderr, a non-zero exit, nothing written.</summary>
public sealed class CliArgumentsTests : IDisposable
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cli-args-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }

    [Theory]
    [InlineData("metrics", "--from", "2026-13-01")]
    [InlineData("metrics", "--from", "2026-11-20", "--to", "2026-11-01")]
    [InlineData("metrics", "--week", "2026-47")]
    [InlineData("metrics", "--week", "2026-W54")]
    [InlineData("metrics", "--as-of", "yesterday")]
    [InlineData("thresholds", "--to", "not-a-date")]
    [InlineData("clusters", "--week", "W47")]
    [InlineData("metrics", "--no-such-option")]
    public async Task Command_InvalidArgument_OneLineErrorAndExitCode2(params string[] args)
    {
        var result = await CliRunner.RunAsync([.. args, "--lake", _lake]);

        Assert.Equal(2, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut.Trim());
    }

    [Fact]
    public async Task Ingest_MissingFile_OneLineErrorNonZeroAndNothingWritten()
    {
        var result = await CliRunner.RunAsync("ingest", "--lake", _lake, Path.Combine(_lake, "..", "no-such-decisions.csv"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error:", result.StdErr.Trim(), StringComparison.Ordinal);
        var parquet = Directory.Exists(_lake) ? Directory.GetFiles(_lake, "*.parquet", SearchOption.AllDirectories) : [];
        Assert.Empty(parquet);
    }

    [Fact]
    public async Task Ingest_UnknownKind_OneLineErrorNonZero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"mystery-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "foo,bar\n1,2\n");
        try
        {
            var result = await CliRunner.RunAsync("ingest", "--lake", _lake, file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.StartsWith("error:", result.StdErr.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
