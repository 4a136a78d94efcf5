namespace RiskOps.Cli.Tests;

/// <summary>
/// <c>riskops ingest</c> into a new directory says it creates a lake; into a non-empty directory that is not a lake it
/// refuses (contract v2 §3); <c>riskops compact</c> skips an unreadable file instead of crashing.
/// </summary>
public sealed class IngestLakeCreationTests : IDisposable
{
    private const string Decisions =
        "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n" +
        "C1,ATO,2026-11-02T10:15:30Z,m-1.4,block,0.97,0.9,auto,80,user-alice,new_device|vpn_ip,EU\n" +
        "C2,ATO,2026-11-03T10:15:30Z,m-1.4,pass,0.62,0.9,manual,10,user-bob,,EU\n";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-lake-" + Guid.NewGuid().ToString("N")[..12]);

    public IngestLakeCreationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ingest_DirectoryThatDoesNotExist_CreatesTheLakeAndSaysSoOnItsFirstLine()
    {
        var lake = Path.Combine(_dir, "new-lake");
        var file = await WriteAsync("decisions_a.csv", Decisions);

        var result = await CliRunner.RunAsync("ingest", "--lake", lake, file);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"creating a new lake at {lake}", lines[0]);
        Assert.Contains("2 landed", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(lake, "decisions"), "*.parquet", SearchOption.AllDirectories).Length);

        // The second ingest into it is into an existing lake: no such line.
        var again = await CliRunner.RunAsync("ingest", "--lake", lake, await WriteAsync("decisions_b.csv", Decisions.Replace("C1,", "C9,", StringComparison.Ordinal)));
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("creating a new lake", again.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_NonEmptyDirectoryThatIsNotALake_RefusesWithOneLineAndExit2()
    {
        var notALake = Path.Combine(_dir, "projects");
        Directory.CreateDirectory(Path.Combine(notALake, "src"));
        await File.WriteAllTextAsync(Path.Combine(notALake, "notes.txt"), "not lake data");
        var file = await WriteAsync("decisions_a.csv", Decisions);

        var result = await CliRunner.RunAsync("ingest", "--lake", notALake, file);

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {notALake} is not a lake", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut.Trim());
        Assert.Equal(["notes.txt", "src"], Directory.EnumerateFileSystemEntries(notALake).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ingest_EmptyDirectory_StartsALakeThere()
    {
        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);

        var result = await CliRunner.RunAsync("ingest", "--lake", empty, await WriteAsync("decisions_a.csv", Decisions));

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.StartsWith("creating a new lake at ", result.StdOut, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(empty, "_manifests")));
    }

    [Fact]
    public async Task Compact_TruncatedFile_SkipsItNamesItCompactsTheRestAndExits1()
    {
        var lake = Path.Combine(_dir, "lake");
        Assert.Equal(0, (await CliRunner.RunAsync("ingest", "--lake", lake, await WriteAsync("decisions_a.csv", Decisions))).ExitCode);
        var broken = Assert.Single(Directory.GetFiles(Path.Combine(lake, "decisions", "dt=2026-11-02")));
        var bytes = await File.ReadAllBytesAsync(broken);
        await File.WriteAllBytesAsync(broken, bytes[..(bytes.Length / 3)]);

        var result = await CliRunner.RunAsync("compact", "--lake", lake);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("decisions dt=2026-11-03: 1 files → 1 (1 rows)", result.StdOut, StringComparison.Ordinal);
        var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: skipped unreadable file {broken}: ", error, StringComparison.Ordinal);
        Assert.StartsWith("part-compacted-", Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(lake, "decisions", "dt=2026-11-03")))), StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
