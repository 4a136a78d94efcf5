using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Tests;

/// <summary>
/// Seeded fuzzing of deliveries with NUL bytes, unclosed quotes, invalid UTF-8, oversized values and lines, arrays and
/// booleans, shifted and swapped columns. Every mutation breaks its line, so the exact outcome is known: the unmutated
/// lines land, exactly the mutated lines are quarantined (by line number), decrypting each withheld raw gives back the
/// line as delivered, and no Parquet file of the lake holds a clear user id.
/// </summary>
public sealed class InputFuzzTests : IDisposable
{
    private const string Uid = "FUZZ-UID-";
    private const string QuarantineKey = "fuzz-quarantine-key";
    private readonly TestLake _lake = new();

    public void Dispose() => _lake.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task IngestFileAsync_FuzzedNdjson_ExactlyTheMutatedLinesQuarantined(int seed)
    {
        var random = new Random(seed);
        var lines = new List<byte[]>();
        var mutated = new HashSet<long>();
        for (var i = 1; i <= 400; i++)
        {
            var line = ContractV2InputTests.DecisionLine($"F{seed}-{i}", Uid + i, ("region", "\"EU\""));
            if (i > 1 && random.NextDouble() < 0.3)
            {
                mutated.Add(i);
                lines.Add(MutateNdjson(line, random, i == 200));
            }
            else
            {
                lines.Add(Encoding.UTF8.GetBytes(line));
            }
        }

        await AssertOutcome("decisions_fuzz.ndjson", lines, mutated, lineOffset: 0);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task IngestFileAsync_FuzzedCsv_ExactlyTheMutatedLinesQuarantined(int seed)
    {
        var random = new Random(seed);
        var lines = new List<byte[]> { Encoding.UTF8.GetBytes(Samples.DecisionsHeader) };
        var mutated = new HashSet<long>();
        for (var i = 1; i <= 400; i++)
        {
            var cells = new[] { $"F{seed}-{i}", "ATO", "2026-11-02T10:00:00Z", "m1", "block", "0.9", "0.8", "auto", "80", Uid + i, "vpn_ip|new_device", "EU" };
            if (random.NextDouble() < 0.3)
            {
                mutated.Add(i + 1);
                lines.Add(MutateCsv(cells, random, i == 200));
            }
            else
            {
                lines.Add(Encoding.UTF8.GetBytes(string.Join(',', cells)));
            }
        }

        await AssertOutcome("decisions_fuzz.csv", lines, mutated, lineOffset: 1);
    }

    private static byte[] MutateNdjson(string line, Random random, bool oversize)
    {
        if (oversize)
        {
            return Encoding.UTF8.GetBytes(line.Replace("\"EU\"", "\"" + new string('x', 1 << 20) + "\"", StringComparison.Ordinal));
        }

        var uid = line[(line.IndexOf(Uid, StringComparison.Ordinal) - 1)..];
        uid = uid[..(uid.IndexOf('"', 1) + 1)];
        switch (random.Next(11))
        {
            case 0:
                return Encoding.UTF8.GetBytes(line.Replace("\"EU\"", "\"E\0U\"", StringComparison.Ordinal));
            case 1:
                return Encoding.UTF8.GetBytes(line[..random.Next(1, line.Length - 1)]);
            case 2:
                return Encoding.UTF8.GetBytes(line.Replace(uid, "[" + uid + "]", StringComparison.Ordinal));
            case 3:
                return Encoding.UTF8.GetBytes(line.Replace(uid, "{\"v\":" + uid + "}", StringComparison.Ordinal));
            case 4:
                return Encoding.UTF8.GetBytes(line.Replace("\"ATO\"", "true", StringComparison.Ordinal));
            case 5:
                return Encoding.UTF8.GetBytes(line.Replace("\"ATO\"", "\"" + new string('A', random.Next(257, 5000)) + "\"", StringComparison.Ordinal));
            case 6:
                var bytes = Encoding.UTF8.GetBytes(line).ToList();
                bytes.Insert(random.Next(1, bytes.Count - 1), 0xFF);
                return bytes.ToArray();
            case 7:
                return Encoding.UTF8.GetBytes(line.Replace("[\"vpn_ip\"]", "[" + string.Join(",", Enumerable.Range(0, 17).Select(n => $"\"s{n}\"")) + "]", StringComparison.Ordinal));
            case 8:
                return Encoding.UTF8.GetBytes(line.Replace("\"EU\"", "\"EU", StringComparison.Ordinal));
            case 9:
                return Encoding.UTF8.GetBytes(line.Replace("\"block\"", "false", StringComparison.Ordinal));
            default:
                return Encoding.UTF8.GetBytes(line.Replace("\"user_id\"", "\"user\\u005fid\"", StringComparison.Ordinal).Replace("\"block\"", "\"maybe\"", StringComparison.Ordinal));
        }
    }

    private static byte[] MutateCsv(string[] cells, Random random, bool oversize)
    {
        cells = (string[])cells.Clone();
        if (oversize)
        {
            cells[11] = new string('x', (1 << 20) + 3);
            return Encoding.UTF8.GetBytes(string.Join(',', cells));
        }

        switch (random.Next(8))
        {
            case 0:
                cells[11] = "E\0U";
                break;
            case 1:
                cells[11] = "\"EU"; // a quote opened and never closed
                break;
            case 2:
                cells[1] = new string('A', random.Next(257, 5000));
                break;
            case 3:
                var bytes = Encoding.UTF8.GetBytes(string.Join(',', cells)).ToList();
                bytes.Insert(random.Next(1, bytes.Count - 1), 0xC0);
                return bytes.ToArray();
            case 4:
                cells[8] = "80,extra"; // shifted: one column too many
                break;
            case 5:
                (cells[8], cells[9]) = (cells[9], cells[8]); // swapped priority and user_id
                break;
            case 6:
                cells[10] = string.Join('|', Enumerable.Range(0, 17).Select(n => "s" + n));
                break;
            default:
                cells[11] = "EU\"x"; // a stray quote in an unquoted field
                cells[5] = "0.9\"";
                break;
        }

        return Encoding.UTF8.GetBytes(string.Join(',', cells));
    }

    private async Task AssertOutcome(string name, List<byte[]> lines, HashSet<long> mutated, int lineOffset)
    {
        var path = Path.Combine(_lake.Input, name);
        File.WriteAllBytes(path, lines.SelectMany(l => l.Append((byte)'\n')).ToArray());
        var pipeline = new IngestPipeline(
            new LakeOptions { Root = _lake.Lake, HashKey = "test-hash-key", QuarantineKey = QuarantineKey }, _lake.Time, NullLogger<IngestPipeline>.Instance);

        var result = await pipeline.IngestFileAsync(path, null, CancellationToken.None);

        var total = lines.Count - lineOffset;
        Assert.Equal(total - mutated.Count, result.Landed);
        Assert.Equal(mutated.Count, result.Quarantined);
        var quarantine = TestLake.Query($"select line, reason, raw, raw_encrypted from {_lake.Glob("quarantine")} order by line");
        Assert.Equal(mutated.Order(), quarantine.Select(q => (long)q[0]!));
        var cipher = new QuarantineCipher(QuarantineKey);
        foreach (var q in quarantine.Where(q => q[3] is not null))
        {
            var delivered = lines[(int)(long)q[0]! - 1];
            var expected = delivered.Length > (1 << 20) ? delivered[..(1 << 20)] : delivered;
            Assert.Equal(expected, cipher.Decrypt((string)q[3]!));
        }

        foreach (var file in Directory.EnumerateFiles(_lake.Lake, "*.parquet", SearchOption.AllDirectories))
        {
            var text = TestLake.Query($"select string_agg(cast(columns(*) as varchar), '|') from read_parquet('{file}')")[0];
            Assert.All(text, column => Assert.DoesNotContain(Uid, column as string ?? string.Empty, StringComparison.Ordinal));
        }
    }
}
