using System.Globalization;
using System.Text.RegularExpressions;
using RiskOps.Etl.Lake;
using RiskOps.Etl.Validation;

namespace RiskOps.Etl.Tests;

/// <summary>
/// The ingest fast paths must agree exactly with the general code they short-cut (perf work must not change results).
/// </summary>
public sealed class RecordValidatorTests
{
    public static TheoryData<string> Timestamps => new()
    {
        "2026-11-02T10:15:00Z",
        "2026-11-02T10:15:00.1Z",
        "2026-11-02T10:15:00.1234567Z",
        "2026-11-02T10:15:00.12345678Z",
        "2026-11-03T01:00:00+08:00",
        "2026-11-02T23:30:00-05:30",
        "2026-11-02T10:15:00+14:00",
        "2026-11-02T10:15:00+14:01",
        "2026-11-02T10:15:00+15:00",
        "2026-11-02T10:15:00+08:60",
        "2024-02-29T12:00:00Z",
        "2026-02-29T12:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-02T24:00:00Z",
        "2026-11-02T23:59:60Z",
        "2026-11-02t10:15:00Z",
        "2026-11-02T10:15:00z",
        "2026-11-02 10:15:00Z",
        "2026-11-02T10:15:00",
        "2026-11-02T10:15:00+0800",
        "2026-11-02T10:15:00.Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void TryParseIsoFast_AcceptedInput_MatchesDateTimeOffsetParse(string text)
    {
        if (RecordValidator.TryParseIsoFast(text, out var ticks))
        {
            Assert.True(DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expected), text);
            Assert.Equal(expected.UtcTicks, ticks);
        }
    }

    [Fact]
    public void TryParseIsoFast_CommonShapes_TakeTheFastPath()
    {
        Assert.True(RecordValidator.TryParseIsoFast("2026-11-02T10:15:00Z", out _));
        Assert.True(RecordValidator.TryParseIsoFast("2026-11-03T01:00:00.25+08:00", out var ticks));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 17, 0, 0, 250, TimeSpan.Zero).UtcTicks, ticks);
        Assert.False(RecordValidator.TryParseIsoFast("2026-11-02T10:15:00", out _));
    }

    [Theory]
    [InlineData("ATO")]
    [InlineData("KYC_AUDIT")]
    [InlineData("RESET_2FA")]
    [InlineData("A")]
    [InlineData("A1_B2")]
    [InlineData("ato")]
    [InlineData("_ATO")]
    [InlineData("ATO_")]
    [InlineData("ATO__X")]
    [InlineData("2FA")]
    [InlineData("ATO-X")]
    [InlineData("ÄTO")]
    [InlineData("")]
    public void IsUpperSnake_AnyText_MatchesTheContractRegex(string text)
    {
        Assert.Equal(Regex.IsMatch(text, "^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$"), RecordValidator.IsUpperSnake(text));
    }
}

public sealed class HashSet128Tests
{
    [Fact]
    public void Add_ManyValuesWithRepeats_ReportsEachValueNewOnce()
    {
        var set = new HashSet128();
        var reference = new HashSet<UInt128>();
        var random = new Random(7);
        var values = new List<UInt128>();
        for (var i = 0; i < 50_000; i++)
        {
            // Every third value shares its low half (the probe start) with others: collisions must still be told apart.
            var low = i % 3 == 0 ? (ulong)random.Next(0, 50) : (ulong)random.NextInt64();
            values.Add(new UInt128((ulong)random.Next(0, 20_000), low));
        }

        values.Add(UInt128.Zero);
        values.Add(UInt128.Zero);
        foreach (var value in values)
        {
            Assert.Equal(reference.Add(value), set.Add(value));
        }

        Assert.Equal(reference.Count, set.Count);
    }
}
