using System.Globalization;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;
using RiskOps.Sql.Worklist;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>The most cases one worklist page holds (the CSV export reads its rows in pages of this size).</summary>
    public const int MaxWorklistPageSize = 1000;

    private const long MicrosPerHour = 3_600_000_000;

    /// <summary>
    /// The work list at <paramref name="asOf"/> for the filters: bucket counts over every open manual case and page
    /// <paramref name="page"/> (from 1) of <paramref name="pageSize"/> open cases, oldest first. Read from the live
    /// views (not the rollup), so a batch shows as soon as it has landed; only manual, unresolved cases are kept.
    /// </summary>
    /// <exception cref="InvalidFilterException">A filter is invalid, or the page or page size is out of range.</exception>
    public WorklistReport GetWorklist(MetricFilters filters, DateTimeOffset asOf, int page = 1, int pageSize = 50)
    {
        filters = Resolve(filters);
        if (page < 1)
        {
            throw new InvalidFilterException($"page {page} is not a page number (1 or more)");
        }

        if (pageSize is < 1 or > MaxWorklistPageSize)
        {
            throw new InvalidFilterException($"page size {pageSize} is out of range (1 to {MaxWorklistPageSize})");
        }

        var asOfUs = (asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (TimeSpan.TicksPerMillisecond / 1000);
        var filterParameters = FilterParameters(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() =>
            {
                try
                {
                    Execute($"create or replace temp table worklist_open as {SqlScripts.Get("worklist_open")}",
                        [.. FilterParameters(filters), new DuckDBParameter("as_of_us", asOfUs)]);
                    var slices = ReadRows(SqlScripts.Get("worklist_summary"));
                    var cases = ReadRows(SqlScripts.Get("worklist_page"),
                        new DuckDBParameter("limit", (long)pageSize), new DuckDBParameter("offset", (long)(page - 1) * pageSize));
                    var keyUsers = ToLong(ReadRows(SqlScripts.Get("worklist_key_users"), filterParameters)[0]["key_users_without_escalation"]);
                    var overall = slices.Where(r => (string?)r["dimension"] == "overall").Select(Counts).FirstOrDefault() ?? WorklistCounts.Empty;
                    return new WorklistReport(
                        ManifestLog.State(LakeRoot).Version,
                        asOf.ToUniversalTime(),
                        overall,
                        Slices(slices, "case_type"),
                        Slices(slices, "vendor"),
                        Slices(slices, "reviewer"),
                        keyUsers,
                        new WorklistPage(page, pageSize, Math.Max(1, (overall.OpenTotal + pageSize - 1) / pageSize)),
                        cases.Select(ToCase).ToArray());
                }
                finally
                {
                    Execute("drop table if exists worklist_open");
                }
            });
        }
    }

    private static WorklistCounts Counts(Dictionary<string, object?> row) => new(
        ToLong(row["breached"]), ToLong(row["under_1h"]), ToLong(row["under_2h"]), ToLong(row["other"]), ToLong(row["open_total"]));

    private static WorklistSlice[] Slices(List<Dictionary<string, object?>> rows, string dimension) => rows
        .Where(r => (string?)r["dimension"] == dimension)
        .Select(r =>
        {
            var c = Counts(r);
            return new WorklistSlice((string)r["key"]!, c.Breached, c.Under1h, c.Under2h, c.Other, c.OpenTotal);
        })
        .ToArray();

    private static WorklistCase ToCase(Dictionary<string, object?> row)
    {
        var ageHours = ToLong(row["age_us"]) / (double)MicrosPerHour;
        return new WorklistCase(
            (string)row["case_id"]!,
            (string)row["case_type"]!,
            (int)ToLong(row["priority"]),
            (bool)row["key_user"]!,
            (bool)row["escalated"]!,
            ToInstant(row["scored_at"]),
            ageHours,
            4 - ageHours,
            (string)row["bucket"]!,
            (string)row["vendor"]!,
            (string)row["reviewer"]!);
    }

    private static DateTimeOffset ToInstant(object? value) => value switch
    {
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"scored_at is not a timestamp: {value}")),
    };
}
