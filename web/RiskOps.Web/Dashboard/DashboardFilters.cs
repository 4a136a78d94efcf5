using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard;

/// <summary>
/// The dashboard's filters as they live in the URL, so a link can be shared:
/// <c>from</c>/<c>to</c> (a UTC date <c>YYYY-MM-DD</c> or an ISO week <c>YYYY-Www</c>: a week range),
/// <c>week</c>, <c>case_type</c>, <c>model_version</c>, <c>region</c>, <c>vendor</c> (repeatable or comma-separated)
/// and <c>as_of</c> (ISO-8601 instant). They map one to one onto the CLI's FILTERS.
/// </summary>
internal sealed record DashboardFilters(MetricFilters Metrics, DateTimeOffset? AsOf, string QueryString)
{
    /// <summary>The query keys the dashboard understands, in display order.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["from", "to", "week", "case_type", "model_version", "region", "vendor", "as_of"];

    /// <summary>
    /// The most values one filter key takes (<c>vendor=a,b,…</c>); more is a 400. Each value widens every query's
    /// predicate, and a link with a thousand vendors took a minute of a shared warehouse.
    /// </summary>
    public const int MaxValuesPerKey = 50;

    /// <summary>No filter.</summary>
    public static DashboardFilters None { get; } = new(MetricFilters.None, null, "");

    /// <summary>Parses the query; a malformed value throws <see cref="InvalidFilterException"/> with one clear line.</summary>
    public static DashboardFilters Parse(IQueryCollection query)
    {
        var from = ParseDateOrWeek(query["from"], "from", weekEnd: false);
        var to = ParseDateOrWeek(query["to"], "to", weekEnd: true);
        foreach (var key in Keys)
        {
            var count = Values(query[key]).Length;
            if (count > MaxValuesPerKey)
            {
                throw new InvalidFilterException($"{key} has {count} values; at most {MaxValuesPerKey} are allowed per filter");
            }
        }

        var weeks = Values(query["week"]).Select(w => w.ToUpperInvariant()).ToArray();
        foreach (var week in weeks)
        {
            ParseWeek(week, "week");
        }

        DateTimeOffset? asOf = null;
        var asOfText = Single(query["as_of"]);
        if (asOfText is not null)
        {
            if (!DateTimeOffset.TryParse(asOfText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                throw new InvalidFilterException($"as_of '{asOfText}' is not a timestamp (expected ISO-8601, e.g. 2026-11-23T00:00:00Z)");
            }

            asOf = parsed;
        }

        var metrics = new MetricFilters
        {
            From = from,
            To = to,
            Weeks = weeks,
            CaseTypes = Values(query["case_type"]),
            ModelVersions = Values(query["model_version"]),
            Regions = Values(query["region"]),
            Vendors = Values(query["vendor"]),
        };
        if (metrics.From is { } f && metrics.To is { } t && f > t)
        {
            throw new InvalidFilterException($"from ({f:yyyy-MM-dd}) is after to ({t:yyyy-MM-dd})");
        }

        return new DashboardFilters(metrics, asOf, Canonical(query));
    }

    /// <summary>The first value of a key as typed (for the filter form).</summary>
    public string Raw(string key)
    {
        var parsed = QueryHelpers.ParseQuery(QueryString);
        return parsed.TryGetValue(key, out var values) ? string.Join(",", values.ToArray()) : "";
    }

    /// <summary>One line describing the scope, shown under every page title.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Metrics.From is not null || Metrics.To is not null)
        {
            parts.Add($"scored {Metrics.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "…"} to {Metrics.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "…"} (UTC)");
        }

        Add("weeks", Metrics.Weeks);
        Add("case types", Metrics.CaseTypes);
        Add("model versions", Metrics.ModelVersions);
        Add("regions", Metrics.Regions);
        Add("vendors", Metrics.Vendors);
        return parts.Count == 0 ? "all data" : string.Join("; ", parts);

        void Add(string name, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                parts.Add($"{name} {string.Join(", ", values)}");
            }
        }
    }

    private static string Canonical(IQueryCollection query)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var key in Keys)
        {
            foreach (var value in query[key])
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    pairs.Add(new(key, value.Trim()));
                }
            }
        }

        return QueryHelpers.AddQueryString("", pairs);
    }

    private static string[] Values(StringValues raw) =>
        raw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    private static string? Single(StringValues raw)
    {
        var values = Values(raw);
        return values.Length switch
        {
            0 => null,
            1 => values[0],
            _ => throw new InvalidFilterException($"only one value is allowed here, got {string.Join(", ", values)}"),
        };
    }

    private static DateOnly? ParseDateOrWeek(StringValues raw, string name, bool weekEnd)
    {
        var text = Single(raw);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (text.Contains("-W", StringComparison.OrdinalIgnoreCase))
        {
            var monday = ParseWeek(text, name);
            return weekEnd ? monday.AddDays(6) : monday;
        }

        throw new InvalidFilterException($"{name} '{text}' is not a date or week (expected YYYY-MM-DD or YYYY-Www)");
    }

    /// <summary>Parses <c>YYYY-Www</c> and returns the week's Monday.</summary>
    private static DateOnly ParseWeek(string text, string name)
    {
        var parts = text.ToUpperInvariant().Split("-W", StringSplitOptions.None);
        if (parts.Length == 2
            && parts[0].Length == 4 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && parts[1].Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            && year >= 1 && week >= 1 && week <= ISOWeek.GetWeeksInYear(year))
        {
            return DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        }

        throw new InvalidFilterException($"{name} '{text}' is not an ISO week (expected YYYY-Www, e.g. 2026-W47)");
    }
}
