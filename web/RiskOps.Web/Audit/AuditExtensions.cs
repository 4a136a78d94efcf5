using Microsoft.Extensions.Primitives;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Audit;

/// <summary>The audit log in the composition, and the record of every download.</summary>
internal static class AuditExtensions
{
    /// <summary>Registers <see cref="IAuditLog"/> on the lake (<c>Lake:Root</c>).</summary>
    public static WebApplicationBuilder AddAuditLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IAuditLog>(sp => new FileAuditLog(sp.GetRequiredService<IConfiguration>()["Lake:Root"] ?? "lake"));
        return builder;
    }

    /// <summary>
    /// Records every CSV and PDF answered with 200, whichever endpoint answers (page tables, the work list, the alert
    /// history, archived packs), just before its headers go out: when the line cannot be written the download fails
    /// (500) instead of leaving the log, so no export goes unrecorded. The entry holds the path, the file name and the
    /// dashboard filters of the request (known keys only), never the file's rows.
    /// </summary>
    public static WebApplication UseExportAudit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var response = context.Response;
                if (response.StatusCode == StatusCodes.Status200OK && Kind(response.ContentType) is { } action)
                {
                    var log = context.RequestServices.GetRequiredService<IAuditLog>();
                    var time = context.RequestServices.GetRequiredService<TimeProvider>();
                    var file = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(response.Headers.ContentDisposition.ToString(), out var disposition)
                        ? (disposition.FileNameStar.Value ?? disposition.FileName.Value)?.Trim('"')
                        : null;
                    var target = file is null ? context.Request.Path.Value ?? "" : $"{context.Request.Path.Value} ({file})";
                    log.Record(context.User, time, action, target, Scope(context.Request.Query));
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }

    private static string? Kind(string? contentType) =>
        contentType is null ? null
        : contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) ? AuditActions.ExportCsv
        : contentType.StartsWith("application/pdf", StringComparison.OrdinalIgnoreCase) ? AuditActions.ExportPdf
        : null;

    /// <summary>The request's dashboard filters in canonical order (only the known keys: free query text is not logged).</summary>
    internal static string? Scope(IQueryCollection query)
    {
        var parts = new List<string>();
        foreach (var key in DashboardFilters.Keys)
        {
            if (query.TryGetValue(key, out var values) && !StringValues.IsNullOrEmpty(values))
            {
                parts.Add(key + "=" + string.Join(",", values.Where(v => !string.IsNullOrWhiteSpace(v))));
            }
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
