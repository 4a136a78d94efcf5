using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RiskOps.Sql;
using RiskOps.Sql.Worklist;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops worklist --lake DIR [FILTERS] [--as-of TS] [--page N] [--page-size N] [--json]</c>: open manual cases by
/// time left to the 4 h SLA, per case type, vendor and reviewer, and key-user cases with no escalation yet.
/// </summary>
internal static partial class WorklistCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var asOf = CommonOptions.AsOf();
        var page = new Option<int>("--page") { Description = "Page of the open-case list, from 1", DefaultValueFactory = _ => 1 };
        var pageSize = new Option<int>("--page-size") { Description = $"Cases per page (1 to {Warehouse.MaxWorklistPageSize})", DefaultValueFactory = _ => 50 };
        var filters = new FilterOptions();
        var command = new Command("worklist", "Open manual cases by time left to the 4 h SLA; key-user cases without escalation");
        command.Options.Add(lake);
        command.Options.Add(asOf);
        command.Options.Add(page);
        command.Options.Add(pageSize);
        command.Options.Add(json);
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var filter = filters.Read(parseResult);
            var text = parseResult.GetValue(asOf);
            // Contract §2: an as-of without an offset is an error (a local time would be read as UTC silently).
            if (!string.IsNullOrWhiteSpace(text) && !OffsetSuffix().IsMatch(text.Trim()))
            {
                throw new CliUsageException($"--as-of '{text}' has no UTC offset (expected e.g. 2026-11-23T14:00:00Z or +01:00)");
            }

            var at = CommonOptions.ParseAsOf(text, TimeProvider.System);
            using var warehouse = Warehouse.Open(MetricsCommand.ExistingLake(parseResult.GetValue(lake)!));
            var report = warehouse.GetWorklist(filter, at, parseResult.GetValue(page), parseResult.GetValue(pageSize));
            Console.Out.Write(parseResult.GetValue(json) ? WarehouseJson.Serialize(ToJson(report)) + "\n" : Render(report));
            return 0;
        });
        return command;
    }

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OffsetSuffix();

    /// <summary>The JSON shape documented in docs/metrics.md (snake_case, slices keyed by their dimension's name).</summary>
    internal static object ToJson(WorklistReport report) => new Dictionary<string, object?>
    {
        ["lake_version"] = report.LakeVersion,
        ["as_of"] = report.AsOf,
        ["summary"] = Counts(report.Summary.Breached, report.Summary.Under1h, report.Summary.Under2h, report.Summary.Other, report.Summary.OpenTotal),
        ["by_case_type"] = report.ByCaseType.Select(s => Slice("case_type", s)).ToArray(),
        ["by_vendor"] = report.ByVendor.Select(s => Slice("vendor", s)).ToArray(),
        ["by_reviewer"] = report.ByReviewer.Select(s => Slice("reviewer", s)).ToArray(),
        ["key_users_without_escalation"] = report.KeyUsersWithoutEscalation,
        ["page"] = new Dictionary<string, object?> { ["number"] = report.Page.Number, ["size"] = report.Page.Size, ["pages"] = report.Page.Pages },
        ["cases"] = report.Cases.Select(c => new Dictionary<string, object?>
        {
            ["case_id"] = c.CaseId,
            ["case_type"] = c.CaseType,
            ["priority"] = c.Priority,
            ["key_user"] = c.KeyUser,
            ["escalated"] = c.Escalated,
            ["scored_at"] = c.ScoredAt,
            ["age_hours"] = c.AgeHours,
            ["time_left_hours"] = c.TimeLeftHours,
            ["bucket"] = c.Bucket,
            ["vendor"] = c.Vendor,
            ["reviewer"] = c.Reviewer,
        }).ToArray(),
    };

    private static Dictionary<string, object?> Counts(long breached, long under1h, long under2h, long other, long total) => new()
    {
        ["breached"] = breached, ["under_1h"] = under1h, ["under_2h"] = under2h, ["other"] = other, ["open_total"] = total,
    };

    private static Dictionary<string, object?> Slice(string name, WorklistSlice s)
    {
        var row = new Dictionary<string, object?> { [name] = s.Key };
        foreach (var (key, value) in Counts(s.Breached, s.Under1h, s.Under2h, s.Other, s.OpenTotal))
        {
            row[key] = value;
        }

        return row;
    }

    private static string Render(WorklistReport report)
    {
        var text = new StringBuilder();
        var s = report.Summary;
        text.Append(CultureInfo.InvariantCulture, $"as of {report.AsOf:yyyy-MM-dd HH:mm:ss}Z (UTC); 4 h SLA from scored_at\n");
        text.Append(CultureInfo.InvariantCulture,
            $"open manual cases: {s.OpenTotal} — breached {s.Breached}, <1h left {s.Under1h}, <2h left {s.Under2h}, other {s.Other}\n");
        text.Append(CultureInfo.InvariantCulture, $"key-user cases without escalation: {report.KeyUsersWithoutEscalation}\n");
        foreach (var (title, slices) in new[] { ("case type", report.ByCaseType), ("vendor", report.ByVendor), ("reviewer", report.ByReviewer) })
        {
            text.Append('\n');
            var table = new List<string[]> { new[] { title, "breached", "<1h", "<2h", "other", "open" } };
            table.AddRange(slices.Select(r => new[] { r.Key, N(r.Breached), N(r.Under1h), N(r.Under2h), N(r.Other), N(r.OpenTotal) }));
            text.Append(TextTable.Format(table));
        }

        text.Append(CultureInfo.InvariantCulture, $"\npage {report.Page.Number} of {report.Page.Pages} ({report.Page.Size} per page), oldest first\n");
        var cases = new List<string[]> { new[] { "case_id", "case_type", "priority", "age_h", "left_h", "bucket", "vendor", "reviewer" } };
        cases.AddRange(report.Cases.Select(c => new[]
        {
            c.CaseId, c.CaseType, N(c.Priority), H(c.AgeHours), H(c.TimeLeftHours), c.Bucket, c.Vendor, c.Reviewer,
        }));
        text.Append(TextTable.Format(cases));
        return text.ToString();
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string H(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
