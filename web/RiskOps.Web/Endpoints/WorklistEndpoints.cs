using System.Text;
using System.Text.RegularExpressions;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Dashboard.Views;

namespace RiskOps.Web.Endpoints;

/// <summary>
/// <c>/export/today/cases.csv?FILTERS</c>: every open manual case of the Today page (oldest first, the page's columns),
/// for team leads and admins. Read in pages of <see cref="Warehouse.MaxWorklistPageSize"/>, so no single read is unbounded.
/// </summary>
internal static partial class WorklistEndpoints
{
    /// <summary>The most rows one export holds (a floor with more open cases than this has a bigger problem than a CSV).</summary>
    public const int MaxRows = 50_000;

    /// <summary>Maps the export (a literal route, so it wins over <c>/export/{page}/{table}.csv</c>).</summary>
    public static WebApplication MapWorklistExport(this WebApplication app)
    {
        app.MapGet("/export/today/cases.csv", Export).RequireAuthorization(Policies.Worklists);
        return app;
    }

    private static async Task<IResult> Export(HttpContext context, DashboardData data, PageDeadlines deadlines)
    {
        using var deadline = deadlines.Start(context);
        return await deadline.AnswerAsync(() => Task.FromResult(Build(context, data)));
    }

    private static IResult Build(HttpContext context, DashboardData data)
    {
        DashboardFilters filters;
        try
        {
            filters = DashboardFilters.Parse(context.Request.Query);
            data.Validate(filters);
        }
        catch (InvalidFilterException ex)
        {
            return Results.Text("error: " + ex.Message, "text/plain", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var asOf = data.AsOf(filters);
        var hidden = VendorMask.For(context.User, data);
        var vendorColumn = VendorMask.IndexOf(TodayView.CaseColumns, "vendor");
        var reviewerColumn = VendorMask.IndexOf(TodayView.CaseColumns, "reviewer");
        var text = new StringBuilder();
        Line(text, TodayView.CaseColumns);
        for (var page = 1; (page - 1) * Warehouse.MaxWorklistPageSize < MaxRows; page++)
        {
            var report = data.Worklist(filters.Metrics, asOf, page, Warehouse.MaxWorklistPageSize);
            foreach (var row in report.Cases)
            {
                Line(text, VendorMask.Row(TodayView.Row(row), vendorColumn, reviewerColumn, hidden).Select(c => c.Text));
            }

            if (page >= report.Page.Pages)
            {
                break;
            }
        }

        return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", "today-cases.csv");
    }

    private static void Line(StringBuilder text, IEnumerable<string> values) =>
        text.AppendJoin(',', values.Select(Cell)).Append("\r\n");

    /// <summary>
    /// One RFC 4180 cell. A value a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return)
    /// is prefixed with ' — ids come from upstream tools and must never execute when a lead opens the file. A plain
    /// number (a negative time left) stays a number.
    /// </summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(value))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value.StartsWith(' ') || value.EndsWith(' ')
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    [GeneratedRegex(@"^-?[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
