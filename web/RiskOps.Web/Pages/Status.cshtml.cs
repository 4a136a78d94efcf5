using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

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
        (Title, Message) = code switch
        {
            400 => ("Bad request", "The request could not be understood."),
            401 => ("Not logged in", "Log in to see this page."),
            403 => ("Not allowed", "Your role does not give access to this page."),
            404 => ("Not found", "There is no such page."),
            429 => ("Too many attempts", "Too many login attempts from your address; wait a minute and try again."),
            500 => ("Something went wrong", "The server failed to answer; the error is in its log."),
            _ => ($"Error {code}", "The request failed."),
        };
    }
}
