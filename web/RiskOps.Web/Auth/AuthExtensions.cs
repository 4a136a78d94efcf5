using System.Threading.RateLimiting;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace RiskOps.Web.Auth;

/// <summary>Cookie login, roles, the login rate limit and the Hangfire dashboard's admin check.</summary>
internal static class AuthExtensions
{
    /// <summary>The rate-limiter policy on the login form's POST.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>
    /// Cookie authentication, role policies and a fallback policy that requires a logged-in user everywhere
    /// (only <c>/health</c>, the login page, status pages and the stylesheet opt out; the ingest API checks API keys).
    /// Login attempts are limited per client address (<c>Auth:LoginAttemptsPerMinute</c>, default 10) and failed ones per
    /// account (<see cref="LoginThrottle"/>). Sessions are kept on the server (<see cref="MemoryTicketStore"/>) and checked on
    /// every request (<see cref="SessionValidation"/>): idle <c>Auth:SessionIdleHours</c>, absolute <c>Auth:SessionAbsoluteHours</c>.
    /// </summary>
    public static WebApplicationBuilder AddDashboardAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.SectionName);

        // The key ring protects cookies and anti-forgery tokens: on a volume it survives a container's re-creation.
        if (builder.Configuration["DataProtection:KeysFolder"] is { Length: > 0 } keys)
        {
            builder.Services.AddDataProtection().SetApplicationName("riskops").PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        builder.Services.AddSingleton<MemoryTicketStore>();
        // Anti-forgery's cookie is never Secure by default; behind a TLS proxy it is, like the session cookie.
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<MemoryTicketStore, IOptions<SessionOptions>>((options, store, sessions) =>
            {
                options.SessionStore = store;
                options.ExpireTimeSpan = TimeSpan.FromHours(sessions.Value.SessionIdleHours);
            });
        builder.Services
            .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.Cookie.Name = "riskops.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
                options.Events.OnRedirectToLogin = context =>
                {
                    // An API caller gets a status, not an HTML login page.
                    if (context.Request.Path.StartsWithSegments("/api"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    }

                    // A relative redirect: the Host header of the request is never echoed into a Location.
                    context.Response.Redirect(RelativeUri(context.RedirectUri));
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    // A logged-in user without the role gets 403 and the status page, not a redirect loop.
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Dashboards, p => p.RequireRole(Policies.Roles))
            // A vendor-scoped user never gets the whole-floor areas: the Data page (quarantine and lake files have no
            // vendor), the report archive (packs of every scope) and administration (VendorScope).
            .AddPolicy(Policies.Data, p => p.RequireRole(Policies.DataRole, Policies.AdminRole).RequireAssertion(c => !VendorScope.IsScoped(c.User)))
            .AddPolicy(Policies.Reports, p => p.RequireRole(Policies.LeadRole, Policies.ManagerRole, Policies.AdminRole).RequireAssertion(c => !VendorScope.IsScoped(c.User)))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Policies.AdminRole).RequireAssertion(c => !VendorScope.IsScoped(c.User)))
            .AddPolicy(Policies.Worklists, p => p.RequireRole(Policies.LeadRole, Policies.AdminRole));

        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(LoginRateLimit, context =>
                HttpMethods.IsPost(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = AttemptsPerMinute(context), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("get"));
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>The path and query of an absolute URI (the cookie handler builds its redirects from the request's Host).</summary>
    internal static string RelativeUri(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : uri;

    // Read per request, not at composition time, so test hosts' configuration overrides apply.
    private static int AttemptsPerMinute(HttpContext context) =>
        context.RequestServices.GetRequiredService<IConfiguration>().GetValue("Auth:LoginAttemptsPerMinute", 10);

    /// <summary>Authentication, authorization and the rate limiter in the pipeline; creates the user store (logs a generated admin password once).</summary>
    public static WebApplication UseDashboardAuth(this WebApplication app)
    {
        app.Services.GetRequiredService<UserStore>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>A role check as text for the page header.</summary>
    public static string RolesText(this System.Security.Claims.ClaimsPrincipal user) =>
        string.Join(", ", Policies.Roles.Where(user.IsInRole));
}

/// <summary>
/// The Hangfire dashboard's own check: only an authenticated admin. Hangfire's default "local requests only" filter is
/// replaced (and a reverse proxy would make every request look local), so this filter decides everything itself.
/// </summary>
internal sealed class AdminDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    /// <inheritdoc />
    public Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return Task.FromResult(user.Identity?.IsAuthenticated == true && Policies.Allows(user, Policies.Admin));
    }
}
