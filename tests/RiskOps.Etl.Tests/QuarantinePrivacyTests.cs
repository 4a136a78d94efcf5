using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Tests;

/// <summary>
/// Contract v2: no quarantine column, answer or error holds a clear user id, whatever shape the broken record has. Every
/// hostile shape of issue 12 item 4 is ingested, then every Parquet file of the lake is read back with DuckDB (in-process
/// and the independent Node client) and searched for the clear ids.
/// </summary>
public sealed class QuarantinePrivacyTests : IDisposable
{
    private const string Secret = "SECRET-UID-";
    private const string QuarantineKey = "test-quarantine-key";
    private readonly TestLake _lake = new();
    private readonly List<byte[]> _delivered = [];

    public void Dispose() => _lake.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ingest_HostileShapes_NoClearUserIdInAnyLakeFileAnswerOrReason(bool withKey)
    {
        var pipeline = new IngestPipeline(
            new LakeOptions { Root = _lake.Lake, HashKey = "test-hash-key", QuarantineKey = withKey ? QuarantineKey : null },
            _lake.Time,
            NullLogger<IngestPipeline>.Instance);
        var results = new List<IngestResult>();

        foreach (var (path, kind) in WriteHostileFiles())
        {
            results.Add(await pipeline.IngestFileAsync(path, kind, CancellationToken.None));
        }

        results.Add(await pipeline.IngestRowsAsync(
            RecordKind.Decisions,
            [new Dictionary<string, object?> { ["case_id"] = "P1", ["user_id"] = new[] { Secret + "20" }, ["scored_at"] = TestLake.Now }],
            "rows:test",
            "rows-1",
            CancellationToken.None));
        results.Add(await pipeline.IngestRowsAsync(
            RecordKind.Labels,
            [new Dictionary<string, object?> { ["case_id"] = "P2", ["user_id"] = Secret + "21", ["label"] = "TP" }],
            "rows:test",
            "rows-2",
            CancellationToken.None));

        // Answers (CLI output, API samples).
        foreach (var q in results.SelectMany(r => r.QuarantineSample))
        {
            Assert.DoesNotContain(Secret, q.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, q.Raw, StringComparison.Ordinal);
        }

        // Every Parquet file, read by DuckDB in-process, every column as text.
        var parquet = Directory.EnumerateFiles(_lake.Lake, "*.parquet", SearchOption.AllDirectories).ToList();
        Assert.Contains(parquet, f => f.Contains("/quarantine/", StringComparison.Ordinal));
        Assert.Contains(parquet, f => f.Contains("/decisions/", StringComparison.Ordinal));
        foreach (var file in parquet)
        {
            foreach (var row in TestLake.Query($"select * from read_parquet('{file}')"))
            {
                Assert.DoesNotContain(Secret, string.Join('|', row.Select(Text)), StringComparison.Ordinal);
            }
        }

        // The independent reader over the same files.
        var all = TestLake.NodeQuery($"select * from read_parquet([{string.Join(", ", parquet.Select(f => $"'{f}'"))}], union_by_name = true)");
        Assert.True(all.GetArrayLength() > 20);
        Assert.DoesNotContain(Secret, all.GetRawText(), StringComparison.Ordinal);

        // Manifests and anything else the lake holds.
        foreach (var file in Directory.EnumerateFiles(_lake.Lake, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".parquet", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal);
        }

        var quarantine = TestLake.Query($"select source, line, reason, raw, raw_encrypted, raw_sha256, raw_length from {_lake.Glob("quarantine")}");
        Assert.All(quarantine, q => Assert.DoesNotContain(Secret, (string)q[2]!, StringComparison.Ordinal));

        // Where the id was located, it is there as its hash.
        var hasher = UserIdHasher.Create(new LakeOptions { HashKey = "test-hash-key" }, NullLogger.Instance);
        var readable = string.Join('\n', quarantine.Select(q => q[3] as string).Where(r => r is not null));
        foreach (var id in new[] { "05", "06", "06b", "07a", "07b" })
        {
            Assert.Contains(hasher.Hash(Secret + id), readable, StringComparison.Ordinal);
        }

        // Where it was not, only encrypted (decrypting gives back the bytes as delivered) or hash and length.
        var withheld = quarantine.Where(q => q[3] is null).ToList();
        Assert.True(withheld.Count >= 16, $"{withheld.Count} withheld");
        var cipher = new QuarantineCipher(QuarantineKey);
        foreach (var q in withheld)
        {
            Assert.Equal(64, ((string)q[5]!).Length);
            if (!withKey)
            {
                Assert.Null(q[4]);
                continue;
            }

            var plain = cipher.Decrypt((string)q[4]!);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(plain)), q[5]);
            Assert.Equal((long)plain.Length, q[6]);
            if (((string)q[0]!).StartsWith("rows:", StringComparison.Ordinal))
            {
                // A row's raw is the JSON of its contract fields.
                Assert.StartsWith("{\"case_id\":\"P", Encoding.UTF8.GetString(plain), StringComparison.Ordinal);
                continue;
            }

            Assert.Contains(_delivered, d => d.AsSpan().SequenceEqual(plain));
        }

        if (withKey)
        {
            Assert.ThrowsAny<CryptographicException>(() => new QuarantineCipher("another key").Decrypt((string)withheld[0][4]!));
        }
    }

    [Fact]
    public async Task IngestFileAsync_CsvWithoutHeaderRow_ErrorNamesNoValue()
    {
        var file = _lake.Write("export.csv", $"C1,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,{Secret}30,,\n");

        var ex = await Assert.ThrowsAsync<UnreadableInputException>(() => _lake.Pipeline().IngestFileAsync(file, null, CancellationToken.None));

        Assert.Contains("cannot tell the record kind", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        System.Collections.IEnumerable list => string.Join(',', list.Cast<object?>().Select(Text)),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string Line(string caseId, string userId, params (string Field, string Json)[] overrides) =>
        ContractV2InputTests.DecisionLine(caseId, userId, overrides);

    private static string AppendField(string line, string rawField) => line[..^1] + "," + rawField + "}";

    private IEnumerable<(string Path, RecordKind? Kind)> WriteHostileFiles()
    {
        var ndjson = new List<byte[]>
        {
            Bytes(Line("G1", "good-user-1")),
            Bytes($"{{\"case_id\":\"T1\",\"case_type\":\"ATO\",\"user_id\":\"{Secret}01"),
            Bytes(Line("A2", "x", ("user_id", $"[\"{Secret}02\"]"))),
            Bytes(Line("O3", "x", ("user_id", $"{{\"id\":\"{Secret}03\"}}"))),
            Bytes(AppendField(Line("E4", "x", ("user_id", ""), ("confidence", "9")), $"\"user\\u005fid\":\"{Secret}04\"")),
            Bytes(AppendField(Line("E5", "x", ("user_id", ""), ("model_version", "")), $"\"user\\u005fid\":\"{Secret}05\"")),
            Bytes(Line("N6", Secret + "06b", ("model_version", ""), ("meta", $"{{\"user_id\":\"{Secret}06\"}}"))),
            Bytes(Line("N7", "x", ("user_id", ""), ("model_version", ""), ("meta", $"{{\"user_id\":\"{Secret}06c\"}}"))),
            Bytes(AppendField(Line("D7", Secret + "07a", ("model_version", "")), $"\"USER_ID\":\"{Secret}07b\"")),
            Bytes(Line("Z8", Secret + "08", ("region", "\"E\u0000U\""))),
            Bytes(Line("U9", Secret + "09")).SkipLast(2).Concat(new byte[] { 0xC3, 0x28, (byte)'}' }).ToArray(),
            Bytes(Line("L10", Secret + "10", ("region", "\"" + new string('x', 1 << 20) + "\""))),
            Bytes(Line("B11", Secret + "11", ("case_id", "true"))),
            Bytes(Line("S12", "x", ("user_id", "12345"), ("case_type", $"\"{Secret}12\""))),
        };
        yield return (WriteLines("decisions_hostile.ndjson", ndjson), null);

        var csv = new List<byte[]>
        {
            Bytes(Samples.DecisionsHeader),
            Bytes("G2,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,good-user-2,,"),
            Bytes($"C13,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,EXTRA,{Secret}13,,"),
            Bytes($"C14,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,{Secret}14,80,,"),
            Bytes($"C15,{Secret}15,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,ATO,,"),
            Bytes($"C16,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,\"{Secret}16,,"),
            Bytes($"C17,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,{Secret}17,,E\0U"),
            Bytes($"C22,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,{Secret}22,,\"EU\"x"),
            Bytes("G3,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,good-user-3,,"),
        };
        yield return (WriteLines("decisions_hostile.csv", csv), null);

        // A decisions file sent as labels, CSV and NDJSON.
        var asLabels = new List<byte[]>
        {
            Bytes(Samples.DecisionsHeader),
            Bytes($"C18,ATO,2026-11-02T10:00:00Z,m1,block,0.9,0.8,auto,80,{Secret}18,,"),
        };
        yield return (WriteLines("misrouted.csv", asLabels), RecordKind.Labels);
        yield return (WriteLines("misrouted.ndjson", [Bytes(Line("C19", Secret + "19"))]), RecordKind.Labels);
    }

    private string WriteLines(string name, List<byte[]> lines)
    {
        _delivered.AddRange(lines.Select(l => l.Length > (1 << 20) ? l[..(1 << 20)] : l));
        var path = Path.Combine(_lake.Input, name);
        File.WriteAllBytes(path, lines.SelectMany(l => l.Append((byte)'\n')).ToArray());
        return path;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
