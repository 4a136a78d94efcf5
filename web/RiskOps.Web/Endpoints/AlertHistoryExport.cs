using System.Globalization;
using System.Text;
using RiskOps.Reports.Alerts;
using RiskOps.Web.Audit;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Endpoints;

/// <summary><c>/alerts/history.csv</c>: the alert history newest first (admins), at most <see cref="MaxRows"/> lines.</summary>
internal static class AlertHistoryExport
{
    /// <summary>The most lines one download holds (older lines stay in the file on the lake's volume).</summary>
    public const int MaxRows = 50_000;

    /// <summary>The CSV columns.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["time_utc", "event", "rule_id", "subject", "breach_id", "summary", "channel", "target", "attempt", "error"];

    /// <summary>Maps the download.</summary>
    public static WebApplication MapAlertHistoryExport(this WebApplication app)
    {
        app.MapGet("/alerts/history.csv", (HttpContext context, AlertStore store) =>
        {
            var text = new StringBuilder();
            Line(text, Columns);
            foreach (var e in AlertHistoryReader.Newest(store, 0, MaxRows))
            {
                Line(text, [
                    e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), e.Event, e.RuleId, e.Subject ?? "", e.BreachId ?? "",
                    e.Summary ?? "", e.Channel ?? "", e.Target ?? "", e.Attempt?.ToString(CultureInfo.InvariantCulture) ?? "", e.Error ?? "",
                ]);
            }

            // Recipients and webhook hosts are in it: no browser or proxy cache keeps a copy.
            context.Response.Headers.CacheControl = "no-store";
            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", "alert-history.csv");
        }).RequireAuthorization(Policies.Admin);
        return app;
    }

    private static void Line(StringBuilder text, IEnumerable<string> values) =>
        text.AppendJoin(',', values.Select(WorklistEndpoints.Cell)).Append("\r\n");
}
