using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;
using RiskOps.Web.Audit;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Pages.Reports;

/// <summary>
/// The report archive: every archived calibration pack (subscription deliveries and on-demand packs) with download
/// links, the recent delivery log, and "generate now" for team leads, managers and admins.
/// </summary>
[Authorize(Policy = Policies.Reports)]
internal sealed class IndexModel(ReportArchive archive, PackRenderer renderer, TimeProvider time, IAuditLog audit, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>How many delivery-log lines the page shows.</summary>
    private const int RecentDeliveries = 30;

    /// <summary>Archived packs, newest week first.</summary>
    public IReadOnlyList<ArchivedReport> Reports { get; private set; } = [];

    /// <summary>The latest delivery attempts, newest first.</summary>
    public IReadOnlyList<DeliveryRecord> Deliveries { get; private set; } = [];

    /// <summary>The week pre-filled in the form: the last complete UTC week.</summary>
    [BindProperty]
    public string Week { get; set; } = "";

    /// <summary>Optional case-type scope of "generate now".</summary>
    [BindProperty(Name = "case_type")]
    public string? CaseType { get; set; }

    /// <summary>Optional vendor scope of "generate now".</summary>
    [BindProperty]
    public string? Vendor { get; set; }

    /// <summary>A validation error shown with HTTP 400.</summary>
    public string? Error { get; private set; }

    /// <summary>The id of a pack just generated (highlighted).</summary>
    [TempData]
    public string? Generated { get; set; }

    /// <summary>
    /// Pre-fills the form: the dashboard's Reports link carries its filters, so a single <c>week</c>, <c>case_type</c> and
    /// <c>vendor</c> from there are kept; otherwise the last complete UTC week and the whole scope.
    /// </summary>
    public void OnGet()
    {
        var week = Request.Query["week"].ToString();
        Week = week.Length > 0 && !week.Contains(',', StringComparison.Ordinal) ? week.ToUpperInvariant() : ReportPeriod.LastCompleteBefore(time.GetUtcNow()).Week;
        var caseType = Request.Query["case_type"].ToString();
        CaseType = caseType.Length > 0 ? caseType : null;
        var vendor = Request.Query["vendor"].ToString();
        Vendor = vendor.Length > 0 ? vendor : null;
        Load();
    }

    /// <summary>Downloads an archived pack by id; 404 for anything that is not in the archive.</summary>
    public IActionResult OnGetDownload(string id)
    {
        var stream = archive.OpenRead(id);
        if (stream is null)
        {
            return NotFound();
        }

        return File(stream, "application/pdf", id.Split('/')[^1]);
    }

    /// <summary>Renders a pack now (synchronously: a pack takes seconds) into the archive's <c>on-demand</c> folder.</summary>
    public IActionResult OnPostGenerate()
    {
        try
        {
            // A read-only lake is found in milliseconds, before seconds of rendering that could not be archived anyway.
            archive.EnsureWritable();
            var period = ReportPeriod.Parse(Week);
            var scope = new MetricFilters
            {
                CaseTypes = string.IsNullOrWhiteSpace(CaseType) ? [] : [CaseType.Trim()],
                Vendors = string.IsNullOrWhiteSpace(Vendor) ? [] : [Vendor.Trim()],
            };
            var now = time.GetUtcNow();
            var pack = renderer.Render(archive.LakeRoot, new PackRequest(period, scope, now, ReportArchive.OnDemand));
            // Named after week and scope; the time keeps two packs generated for the same week and scope apart.
            var fileName = string.Create(CultureInfo.InvariantCulture, $"{CalibrationPack.FileName(period, scope)[..^4]}-{now.UtcDateTime:yyyyMMdd-HHmmss}.pdf");
            var id = archive.Write(ReportArchive.OnDemand, period.Week, fileName, pack.Pdf);
            archive.Log(new DeliveryRecord(time.GetUtcNow(), ReportArchive.OnDemand, period.Week, [], "archived", ArchiveId: id));
            logger.LogInformation("{User} generated {Id}", User.Identity?.Name, id);
            audit.Record(User, time, AuditActions.ReportGenerate, id, string.Join("; ", new[] { "week " + period.Week, CaseType is { Length: > 0 } c ? "case type " + c.Trim() : null, Vendor is { Length: > 0 } v ? "vendor " + v.Trim() : null }.Where(x => x is not null)));
            Generated = id;
            return RedirectToPage();
        }
        catch (InvalidFilterException ex)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Load();
            return Page();
        }
        catch (Exception ex) when (ex is ArchiveNotWritableException or UnauthorizedAccessException)
        {
            logger.LogError("Generate now failed: {Reason}", ex.Message);
            Error = "The pack cannot be generated: " + ex.Message;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Load();
            return Page();
        }
    }

    private void Load()
    {
        Reports = archive.List();
        Deliveries = archive.Deliveries().Reverse().Take(RecentDeliveries).ToList();
    }
}
