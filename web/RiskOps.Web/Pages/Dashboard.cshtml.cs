using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RiskOps.Sql.Model;
using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard;
using RiskOps.Web.Health;

namespace RiskOps.Web.Pages;

/// <summary>Every dashboard page: parses the URL filters, asks the page's builder, renders its sections.</summary>
internal sealed class DashboardModel(DashboardData data, IAuthorizationService authorization, PageDeadlines deadlines) : PageModel
{
    /// <summary>The page definition.</summary>
    public DashboardPage Definition { get; private set; } = DashboardPages.All[0];

    /// <summary>The parsed filters.</summary>
    public DashboardFilters Filters { get; private set; } = DashboardFilters.None;

    /// <summary>The as-of instant.</summary>
    public DateTimeOffset AsOf { get; private set; }

    /// <summary>The period under review (the selected week, default the last complete one), null on error.</summary>
    public ReviewPeriod? Period { get; private set; }

    /// <summary>The built page, null on error.</summary>
    public PageView? View { get; private set; }

    /// <summary>What the figures include (the rollup version and its data freshness), stated under the scope.</summary>
    public string Freshness { get; private set; } = "";

    /// <summary>The filter error shown with HTTP 400.</summary>
    public string? Error { get; private set; }

    /// <summary>The message of a page that ran out of time (HTTP 503), else null.</summary>
    public string? TimedOut { get; private set; }

    /// <summary>The query for CSV links: the filters plus the page's own keys.</summary>
    public string ExportQuery => Request.QueryString.Value ?? "";

    public async Task<IActionResult> OnGetAsync(string? view)
    {
        if (DashboardPages.Find(view) is not { } page)
        {
            return NotFound();
        }

        Definition = page;
        if (page.Policy != Policies.Dashboards && !(await authorization.AuthorizeAsync(User, page.Policy)).Succeeded)
        {
            return Forbid();
        }

        ViewData["PageKey"] = page.Key;
        using var deadline = deadlines.Start(HttpContext);
        try
        {
            return Build(page);
        }
        catch (Exception ex) when (deadline.Ended(ex))
        {
            deadline.Count();
            if (deadline.ClientLeft)
            {
                return new StatusCodeResult(StatusCodes.Status499ClientClosedRequest);
            }

            View = null;
            TimedOut = deadline.Message;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
    }

    private IActionResult Build(DashboardPage page)
    {
        try
        {
            // The filter form offers the lake's values (also on an invalid-filter page, so the user can pick one).
            ViewData["CaseTypes"] = data.CaseTypes();
            ViewData["FilterValues"] = data.FilterValues();
        }
        catch (Exception ex) when (LakeFaults.UnreadableFile(ex, data.LakeRoot) is not null)
        {
            // The filter form's choices need the decisions; the page itself may not (the Data page does not).
            ViewData["CaseTypes"] = Array.Empty<string>();
        }

        try
        {
            Filters = DashboardFilters.Parse(Request.Query);
            ViewData["Filters"] = Filters;
            data.Validate(Filters);
        }
        catch (Exception ex) when (ex is not InvalidFilterException && LakeFaults.UnreadableFile(ex, data.LakeRoot) is not null)
        {
            // The lake cannot be opened whole; the page's own reads fail the same way and say so (the Data page lists the file).
        }
        catch (InvalidFilterException ex)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        AsOf = data.AsOf(Filters);
        Freshness = data.FreshnessLine();
        // The page model (tables, rendered SVG charts) is cached like the figures it shows, keyed by the whole query.
        var request = new PageRequest(data, Filters, AsOf, Request.Query, HttpContext.RequestServices);
        Period = request.Period;
        ViewData["Period"] = request.Period;
        ViewData["AsOf"] = AsOf;
        View = data.PageView(page.Key, Request.QueryString.Value ?? "", AsOf, () => page.Build(request));
        // After the cache: an unscoped user asking vendor=V shares the cached page, a scoped one gets it masked.
        View = View is null ? null : VendorMask.Apply(View, VendorMask.For(User, data));
        return View is null ? NotFound() : Page();
    }
}
