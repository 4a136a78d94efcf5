using System.Text;
using Microsoft.AspNetCore.Authorization;
using RiskOps.Sql.Model;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Endpoints;

/// <summary>
/// CSV downloads: <c>/export/{page}/{table}.csv?FILTERS</c> returns exactly the rows of that table on that page for
/// the same filters (every dashboard role: a team lead exports what the page shows). The file name carries the page,
/// table, scope and period (<c>sop-coverage-all-2026-W46.csv</c>).
/// </summary>
internal static class ExportEndpoints
{
    /// <summary>Maps the export endpoint.</summary>
    public static WebApplication MapCsvExports(this WebApplication app)
    {
        app.MapGet("/export/{page}/{table}.csv", Export).RequireAuthorization(Policies.Dashboards);
        return app;
    }

    private static async Task<IResult> Export(string page, string table, HttpContext context, DashboardData data, IAuthorizationService authorization, PageDeadlines deadlines)
    {
        using var deadline = deadlines.Start(context);
        return await deadline.AnswerAsync(() => ExportAsync(page, table, context, data, authorization));
    }

    private static async Task<IResult> ExportAsync(string page, string table, HttpContext context, DashboardData data, IAuthorizationService authorization)
    {
        var definition = DashboardPages.Find(page);
        if (definition is null)
        {
            return Results.NotFound();
        }

        // A page with its own policy (the Data page) keeps it for its tables.
        if (definition.Policy != Policies.Dashboards && !(await authorization.AuthorizeAsync(context.User, definition.Policy)).Succeeded)
        {
            return Results.Forbid();
        }

        DashboardFilters filters;
        try
        {
            filters = DashboardFilters.Parse(context.Request.Query);
            data.Validate(filters);
        }
        catch (InvalidFilterException ex)
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text("error: " + ex.Message, "text/plain", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var request = new PageRequest(data, filters, data.AsOf(filters), context.Request.Query, context.RequestServices);
        var view = definition.Build(request);
        var model = view?.Tables.FirstOrDefault(t => t.Id == table) is { } found ? VendorMask.Apply(found, VendorMask.For(context.User, data)) : null;
        if (model is null)
        {
            return Results.NotFound();
        }

        // Exports carry case ids and reviewer names: no browser or proxy cache keeps a copy.
        context.Response.Headers.CacheControl = "no-store";
        return Results.File(Encoding.UTF8.GetBytes(Csv.Write(model)), "text/csv; charset=utf-8", request.CsvFileName(definition.Key, model.Id));
    }
}

/// <summary>
/// RFC 4180 CSV of a table (header row, CRLF, quotes where needed). A cell a spreadsheet would run as a formula (starting
/// with <c>= + - @</c>, tab or CR) is prefixed with <c>'</c>; plain numbers such as <c>-0.5</c> are left as numbers.
/// </summary>
internal static partial class Csv
{
    /// <summary>The table as CSV text.</summary>
    public static string Write(TableModel table)
    {
        var text = new StringBuilder();
        Line(table.CsvColumns.Select(Defuse));
        foreach (var row in table.CsvRows)
        {
            Line(row.Select(Defuse));
        }

        return text.ToString();

        void Line(IEnumerable<string> values)
        {
            text.AppendJoin(',', values.Select(Quote)).Append("\r\n");
        }
    }

    /// <summary>The cell with a leading <c>'</c> when a spreadsheet would read it as a formula.</summary>
    internal static string Defuse(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(value) ? "'" + value : value;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex PlainNumber();

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value.StartsWith(' ') || value.EndsWith(' ')
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
