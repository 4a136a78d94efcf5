using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RiskOps.Reports.Alerts;
using RiskOps.Web.Audit;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Pages.Alerts;

/// <summary>The alert history (admins): fired, resolved, delivered and failed entries, newest first, 100 a page.</summary>
[Authorize(Policy = Policies.Admin)]
internal sealed class HistoryModel(AlertStore store) : PageModel
{
    /// <summary>Entries per page.</summary>
    public const int PageSize = 100;

    /// <summary>The page's entries.</summary>
    public IReadOnlyList<AlertHistoryEntry> Entries { get; private set; } = [];

    /// <summary>The page number (1-based).</summary>
    public int PageNumber { get; private set; } = 1;

    /// <summary>The number of pages that can be browsed.</summary>
    public int Pages { get; private set; } = 1;

    /// <summary>All history lines.</summary>
    public long Total { get; private set; }

    /// <summary>Shows the page of <c>?page=N</c> (read from the query: <c>page</c> is Razor Pages' own route value; out-of-range numbers are clamped).</summary>
    public void OnGet()
    {
        var page = int.TryParse(Request.Query["page"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) ? asked : 1;
        Total = AlertHistoryReader.Count(store);
        Pages = (int)Math.Clamp((Total + PageSize - 1) / PageSize, 1, JsonLines.MaxSkip / PageSize);
        PageNumber = Math.Clamp(page, 1, Pages);
        Entries = AlertHistoryReader.Newest(store, (PageNumber - 1) * PageSize, PageSize);
    }
}
