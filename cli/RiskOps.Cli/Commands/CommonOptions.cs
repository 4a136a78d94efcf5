using System.CommandLine;
using System.Globalization;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary>Options shared by several commands: <c>--lake</c>, <c>--json</c>, <c>--as-of</c> and the FILTERS of contract §3.</summary>
internal static class CommonOptions
{
    public static Option<string> Lake() => new("--lake") { Description = "The lake folder", Required = true };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object (snake_case keys)" };

    public static Option<string?> AsOf() => new("--as-of") { Description = "Age open cases to this instant (ISO-8601 with offset; default now)" };

    /// <summary>True when ISO-8601 text ends in a UTC designator or a numeric offset after a time of day.</summary>
    internal static bool HasOffset(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"[T ]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>Parses <c>--as-of</c> (ISO-8601 with an offset); null → now.</summary>
    public static DateTimeOffset ParseAsOf(string? text, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return time.GetUtcNow();
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new CliUsageException($"--as-of '{text}' is not a timestamp (expected ISO-8601 with an offset, e.g. 2026-11-23T00:00:00Z)");
        }

        // Contract v2 §2: an instant without an offset is ambiguous, so it is an error here as at ingest.
        if (!HasOffset(text.Trim()))
        {
            throw new CliUsageException($"--as-of '{text}' has no offset (add Z or +hh:mm, e.g. 2026-11-23T00:00:00Z)");
        }

        return value;
    }
}

/// <summary>The FILTERS: <c>--from --to --week --case-type --model-version --region --vendor</c>.</summary>
internal sealed class FilterOptions
{
    public Option<string?> From { get; } = new("--from") { Description = "First UTC date (inclusive) of scored_at, YYYY-MM-DD" };
    public Option<string?> To { get; } = new("--to") { Description = "Last UTC date (inclusive) of scored_at, YYYY-MM-DD" };
    public Option<string[]> Week { get; } = new("--week") { Description = "UTC ISO week YYYY-Www (repeatable)", AllowMultipleArgumentsPerToken = false };
    public Option<string[]> CaseType { get; } = new("--case-type") { Description = "Case type (repeatable)" };
    public Option<string[]> ModelVersion { get; } = new("--model-version") { Description = "Model version (repeatable)" };
    public Option<string[]> Region { get; } = new("--region") { Description = "Region (repeatable)" };
    public Option<string[]> Vendor { get; } = new("--vendor") { Description = "BPO vendor (repeatable)" };

    /// <summary>Adds the filter options to a command. <paramref name="includeWeek"/> false when the command has its own <c>--week</c>.</summary>
    public void AddTo(Command command, bool includeWeek = true)
    {
        command.Options.Add(From);
        command.Options.Add(To);
        if (includeWeek)
        {
            command.Options.Add(Week);
        }

        command.Options.Add(CaseType);
        command.Options.Add(ModelVersion);
        command.Options.Add(Region);
        command.Options.Add(Vendor);
    }

    /// <summary>Reads the filters; malformed dates throw <see cref="InvalidFilterException"/> (one line).</summary>
    public MetricFilters Read(ParseResult result, bool includeWeek = true) => new()
    {
        From = ParseDate(result.GetValue(From), "--from"),
        To = ParseDate(result.GetValue(To), "--to"),
        Weeks = includeWeek ? Clean(result.GetValue(Week)) : [],
        CaseTypes = Clean(result.GetValue(CaseType)),
        ModelVersions = Clean(result.GetValue(ModelVersion)),
        Regions = Clean(result.GetValue(Region)),
        Vendors = Clean(result.GetValue(Vendor)),
    };

    private static string[] Clean(string[]? values) =>
        values is null ? [] : values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    private static DateOnly? ParseDate(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        throw new InvalidFilterException($"{name} '{text}' is not a date (expected YYYY-MM-DD)");
    }
}
