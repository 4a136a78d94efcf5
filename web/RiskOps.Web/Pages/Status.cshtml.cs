using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;
using RiskOps.Web.Health;

namespace RiskOps.Web.Pages;

/// <summary>The page behind every error status (re-executed with the original status code kept).</summary>
[IgnoreAntiforgeryToken]
internal sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Message { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        // A failure caused by one damaged lake file is named (the operator's fix) and answered 503, not a bare 500.
        var error = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is not null && LakeFaults.UnreadableFile(error, HttpContext.RequestServices.GetRequiredService<IOptions<LakeOptions>>().Value.Root) is { } file)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "300";
            Title = "Lake file unreadable";
            Message = $"This page needs the lake file {file}, which cannot be read (truncated or damaged). Other pages and the Data page keep working; an administrator sees the list on /data and /health/ready.";
            return;
        }

        (Title, Message) = code switch
        {
            400 => ("Bad request", "The request could not be understood."),
            401 => ("Not logged in", "Log in to see this page."),
            403 => ("Not allowed", "Your role does not give access to this page."),
            404 => ("Not found", "There is no such page."),
            429 => ("Too many attempts", "Too many login attempts from your address; wait a minute and try again."),
            503 => ("Not available", "The server cannot answer this right now; try again in a few minutes."),
            500 => ("Something went wrong", "The server failed to answer; the error is in its log."),
            _ => ($"Error {code}", "The request failed."),
        };
    }
}
