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

    private static async Task<IResult> Export(string page, string table, HttpContext context, DashboardData data, IAuthorizationService authorization)
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
            return Results.Text("error: " + ex.Message, "text/plain", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var request = new PageRequest(data, filters, data.AsOf(filters), context.Request.Query, context.RequestServices);
        var view = definition.Build(request);
        var model = view?.Tables.FirstOrDefault(t => t.Id == table);
        if (model is null)
        {
            return Results.NotFound();
        }

        return Results.File(Encoding.UTF8.GetBytes(Csv.Write(model)), "text/csv; charset=utf-8", request.CsvFileName(definition.Key, model.Id));
    }
}

/// <summary>RFC 4180 CSV of a table (header row, CRLF, quotes where needed).</summary>
internal static class Csv
{
    /// <summary>The table as CSV text.</summary>
    public static string Write(TableModel table)
    {
        var text = new StringBuilder();
        Line(table.CsvColumns);
        foreach (var row in table.CsvRows)
        {
            Line(row);
        }

        return text.ToString();

        void Line(IEnumerable<string> values)
        {
            text.AppendJoin(',', values.Select(Quote)).Append("\r\n");
        }
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value.StartsWith(' ') || value.EndsWith(' ')
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
