using RiskOps.Sql.Model;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Tests;

public sealed class ReviewPeriodTests
{
    // Wednesday of 2026-W49.
    private static readonly DateTimeOffset Wednesday = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_NoPeriodFilter_IsTheLastCompleteWeekWithItsComparisonAndEightWeeks()
    {
        var period = ReviewPeriod.From(MetricFilters.None, Wednesday);

        Assert.True(period.IsDefault);
        Assert.False(period.InProgress);
        Assert.Equal("2026-W48", period.Week);
        Assert.Equal(["2026-W48"], period.Current.Weeks);
        Assert.Equal(["2026-W47"], period.Previous!.Weeks);
        Assert.Equal(["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"], period.Trend.Weeks);
        Assert.Equal("2026-W48 (2026-11-23 – 2026-11-29, UTC)", period.Label);
    }

    [Fact]
    public void From_SelectedWeek_KeepsTheWeekBeforeAndTheTrendAndTheOtherFilters()
    {
        var period = ReviewPeriod.From(new MetricFilters { Weeks = ["2026-W02"], CaseTypes = ["ATO"] }, Wednesday);

        Assert.False(period.IsDefault);
        Assert.Equal(["2026-W02"], period.Current.Weeks);
        Assert.Equal(["2026-W01"], period.Previous!.Weeks);
        Assert.Equal("2025-W47", period.Trend.Weeks[0]);
        Assert.Equal(8, period.TrendWeeks.Count);
        Assert.Equal(["ATO"], period.Previous.CaseTypes);
    }

    [Fact]
    public void From_CurrentWeek_IsMarkedInProgress()
    {
        var period = ReviewPeriod.From(new MetricFilters { Weeks = ["2026-W49"] }, Wednesday);

        Assert.True(period.InProgress);
        Assert.EndsWith("— in progress", period.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void From_DateRange_ComparesWithTheRangeOfTheSameLengthBefore()
    {
        var period = ReviewPeriod.From(new MetricFilters { From = new DateOnly(2026, 11, 2), To = new DateOnly(2026, 11, 29) }, Wednesday);

        Assert.Null(period.Week);
        Assert.Equal(new DateOnly(2026, 10, 5), period.Previous!.From);
        Assert.Equal(new DateOnly(2026, 11, 1), period.Previous.To);
        Assert.Equal("2026-11-02_2026-11-29", period.Slug);
        Assert.False(period.InProgress);
    }
}
