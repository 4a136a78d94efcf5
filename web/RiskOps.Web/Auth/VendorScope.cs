using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace RiskOps.Web.Auth;

/// <summary>
/// Vendor-scoped users (<c>Auth:Users:&lt;name&gt;:Vendor</c>): a BPO vendor's manager sees only that vendor. The scope is
/// forced server-side into every request's query before any page or export reads it: the <c>vendor</c> filter is set to
/// the user's vendor, so every figure, table and CSV is the warehouse's answer for <c>vendor = V</c> (contract: the cases
/// with at least one review by V, and only V's QA audits). A URL that asks for another vendor (or several) is refused
/// with 403 rather than silently answered for V, so a shared link never looks like another vendor's figures. Areas that
/// cannot be scoped (the Data page, the report archive, alerts, audit, jobs) are closed by the policies.
/// </summary>
internal static class VendorScope
{
    /// <summary>The user's vendor, or null for an unscoped user.</summary>
    public static string? Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(SessionClaims.Vendor)?.Value : null;

    /// <summary>True for a vendor-scoped user.</summary>
    public static bool IsScoped(ClaimsPrincipal? user) => Of(user) is not null;

    /// <summary>The vendors a filter form may offer this user: only the scope for a scoped user, else <paramref name="all"/>.</summary>
    public static IReadOnlyList<string> Visible(ClaimsPrincipal? user, IReadOnlyList<string>? all) =>
        Of(user) is { } vendor ? [vendor] : all ?? [];

    /// <summary>Rewrites the query of every scoped request (after authentication, before routing to pages and exports).</summary>
    public static WebApplication UseVendorScope(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (Of(context.User) is not { } vendor)
            {
                await next(context);
                return;
            }

            var query = QueryHelpers.ParseQuery(context.Request.QueryString.Value);
            var asked = query.TryGetValue("vendor", out var values)
                ? values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
                : [];
            if (asked.Any(v => !string.Equals(v, vendor, StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.WriteAsync($"This account sees only vendor {vendor}; remove the vendor filter or set vendor={vendor}.", Encoding.UTF8);
                return;
            }

            query["vendor"] = new StringValues(vendor);
            context.Request.QueryString = QueryString.Create(query);
            await next(context);
        });
        return app;
    }
}
