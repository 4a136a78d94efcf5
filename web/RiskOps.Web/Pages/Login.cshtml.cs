using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Pages;

/// <summary>The login form (anti-forgery checked, rate-limited per client address and per account).</summary>
[EnableRateLimiting(AuthExtensions.LoginRateLimit)]
internal sealed class LoginModel(UserStore users, LoginThrottle throttle, TimeProvider time, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (throttle.IsLocked(UserName))
        {
            // Same answer whether the password is right: a locked account tells an attacker nothing.
            logger.LogWarning("Login refused: too many failed attempts for one account (from {Address})", HttpContext.Connection.RemoteIpAddress);
            Error = "Too many failed attempts for this account; wait a few minutes and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "60";
            return Page();
        }

        var user = users.Verify(UserName, Password);
        if (user is null)
        {
            throttle.Failed(UserName);
            // The typed user name is not logged: people type their password into it.
            logger.LogWarning("Failed login from {Address}", HttpContext.Connection.RemoteIpAddress);
            Error = "Wrong user name or password.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        throttle.Succeeded(user.Name);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionValidation.Principal(user, time.GetUtcNow()));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
