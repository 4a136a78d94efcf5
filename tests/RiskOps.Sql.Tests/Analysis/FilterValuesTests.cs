using RiskOps.Sql.Analysis;
using RiskOps.Sql.Model;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>The one matching rule of filter values (dashboard, CLI, reports): the lake's values equal ignoring case.</summary>
public sealed class FilterValuesTests
{
    private static readonly FilterValues Lake = new(["ATO", "KYC_AUDIT"], ["risk-agent-3.1", "risk-agent-3.2"], ["APAC", "EU", "eu", "NA"], ["Keystone BPO", "Northwind"]);

    [Theory]
    [InlineData("EU", new[] { "EU", "eu" })]
    [InlineData("Eu", new[] { "EU", "eu" })]
    [InlineData(" apac ", new[] { "APAC" })]
    [InlineData("na", new[] { "NA" })]
    [InlineData("EUR", new string[0])]
    [InlineData("E", new string[0])]
    [InlineData("", new string[0])]
    public void Match_TypedValue_LakeValuesEqualIgnoringCase(string typed, string[] expected)
    {
        Assert.Equal(expected, FilterValues.Match(typed, Lake.Regions));
    }

    [Fact]
    public void Match_PrefixOrSubstring_NeverMatches()
    {
        // "3.2" is not "risk-agent-3.2": a loose match would silently widen or narrow a slice.
        Assert.Empty(FilterValues.Match("3.2", Lake.ModelVersions));
        Assert.Empty(FilterValues.Match("keystone", Lake.Vendors));
        Assert.Equal(["Keystone BPO"], FilterValues.Match("KEYSTONE bpo", Lake.Vendors));
    }

    [Fact]
    public void Resolve_EveryDimension_ReplacedByTheLakesSpelling()
    {
        var resolved = Lake.Resolve(new MetricFilters { CaseTypes = ["ato"], ModelVersions = ["RISK-AGENT-3.1"], Regions = ["apac", "Eu"], Vendors = ["northwind"], Weeks = ["2026-W47"] });

        Assert.Equal(["ATO"], resolved.CaseTypes);
        Assert.Equal(["risk-agent-3.1"], resolved.ModelVersions);
        Assert.Equal(["APAC", "EU", "eu"], resolved.Regions);
        Assert.Equal(["Northwind"], resolved.Vendors);
        Assert.Equal(["2026-W47"], resolved.Weeks);
    }

    [Theory]
    [InlineData("region", "no record of the lake has region 'mars' (regions in the lake: APAC, EU, eu, NA)")]
    [InlineData("vendor", "no record of the lake has vendor 'keystone' (vendors in the lake: Keystone BPO, Northwind)")]
    [InlineData("model", "no record of the lake has model version '3.2' (model versions in the lake: risk-agent-3.1, risk-agent-3.2)")]
    [InlineData("case", "no record of the lake has case type 'FRAUD' (case types in the lake: ATO, KYC_AUDIT)")]
    public void Resolve_ValueInNoRecord_ThrowsOneLineWithTheLakesValues(string dimension, string message)
    {
        var filters = dimension switch
        {
            "region" => new MetricFilters { Regions = ["EU", "mars"] },
            "vendor" => new MetricFilters { Vendors = ["keystone"] },
            "model" => new MetricFilters { ModelVersions = ["3.2"] },
            _ => new MetricFilters { CaseTypes = ["FRAUD"] },
        };

        var error = Assert.Throws<InvalidFilterException>(() => Lake.Resolve(filters));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Resolve_EmptyLake_SaysTheLakeHoldsNone()
    {
        var empty = new FilterValues([], [], [], []);

        var error = Assert.Throws<InvalidFilterException>(() => empty.Resolve(new MetricFilters { Regions = ["EU"] }));

        Assert.Equal("no record of the lake has region 'EU' (the lake holds no regions)", error.Message);
    }

    [Fact]
    public void Resolve_ManyValues_ListsTwentyAndTheCount()
    {
        var many = new FilterValues([], [], Enumerable.Range(1, 25).Select(i => $"R{i:D2}").ToArray(), []);

        var error = Assert.Throws<InvalidFilterException>(() => many.Resolve(new MetricFilters { Regions = ["X"] }));

        Assert.EndsWith("R20, … (25 in all))", error.Message, StringComparison.Ordinal);
    }
}
