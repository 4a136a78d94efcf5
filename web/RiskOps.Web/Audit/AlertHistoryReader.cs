using System.Text.Json;
using RiskOps.Reports.Alerts;

namespace RiskOps.Web.Audit;

/// <summary>The alert history newest first, a page at a time (read from the end of <c>_alerts/history.jsonl</c>).</summary>
internal static class AlertHistoryReader
{
    /// <summary>Entries newest first; a line that cannot be read is shown as <c>unreadable_line</c>.</summary>
    public static IReadOnlyList<AlertHistoryEntry> Newest(AlertStore store, int skip, int take) =>
        JsonLines.NewestFirst(store.HistoryPath, skip, take).Select(line =>
        {
            try
            {
                return AlertStore.ParseHistoryLine(line) ?? Unreadable();
            }
            catch (JsonException)
            {
                return Unreadable();
            }
        }).ToList();

    /// <summary>The number of history lines.</summary>
    public static long Count(AlertStore store) => JsonLines.Count(store.HistoryPath);

    private static AlertHistoryEntry Unreadable() => new(DateTimeOffset.MinValue, "unreadable_line", "?");
}
