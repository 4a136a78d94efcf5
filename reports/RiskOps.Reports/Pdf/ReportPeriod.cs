using System.Globalization;
using System.Text.RegularExpressions;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Pdf;

/// <summary>A UTC ISO week (<c>2026-W46</c>), the period of a calibration pack.</summary>
public sealed partial record ReportPeriod
{
    private ReportPeriod(int year, int week)
    {
        Year = year;
        WeekNumber = week;
        Start = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
    }

    /// <summary>ISO year.</summary>
    public int Year { get; }

    /// <summary>ISO week number (1–53).</summary>
    public int WeekNumber { get; }

    /// <summary>Monday, the first UTC day of the week.</summary>
    public DateOnly Start { get; }

    /// <summary>Sunday, the last UTC day of the week.</summary>
    public DateOnly End => Start.AddDays(6);

    /// <summary>The week's name, <c>YYYY-Www</c>.</summary>
    public string Week => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{WeekNumber:D2}");

    /// <summary>The week before.</summary>
    public ReportPeriod Previous => Containing(Start.AddDays(-7));

    /// <summary>This week and the <paramref name="count"/> − 1 weeks before it, oldest first.</summary>
    public IReadOnlyList<ReportPeriod> Trailing(int count) =>
        Enumerable.Range(0, count).Select(i => Containing(Start.AddDays(-7 * (count - 1 - i)))).ToList();

    /// <summary>Parses <c>YYYY-Www</c>; throws <see cref="InvalidFilterException"/> with one clear line when malformed.</summary>
    public static ReportPeriod Parse(string text)
    {
        var match = WeekPattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            throw new InvalidFilterException($"--week '{text}' is not an ISO week (expected YYYY-Www, e.g. 2026-W46)");
        }

        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var week = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (week < 1 || week > ISOWeek.GetWeeksInYear(year))
        {
            throw new InvalidFilterException($"--week '{text}' does not exist: {year} has {ISOWeek.GetWeeksInYear(year)} ISO weeks");
        }

        return new ReportPeriod(year, week);
    }

    /// <summary>The ISO week containing a UTC date.</summary>
    public static ReportPeriod Containing(DateOnly date)
    {
        var dateTime = date.ToDateTime(TimeOnly.MinValue);
        return new ReportPeriod(ISOWeek.GetYear(dateTime), ISOWeek.GetWeekOfYear(dateTime));
    }

    /// <summary>
    /// The last complete UTC ISO week before <paramref name="instant"/>: the week before the one containing it. A
    /// subscription's time zone decides when a job runs, never which week it reports.
    /// </summary>
    public static ReportPeriod LastCompleteBefore(DateTimeOffset instant) =>
        Containing(DateOnly.FromDateTime(instant.UtcDateTime)).Previous;

    [GeneratedRegex(@"^(\d{4})-W(\d{2})$")]
    private static partial Regex WeekPattern();
}
