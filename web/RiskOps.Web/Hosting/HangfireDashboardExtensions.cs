using Hangfire;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Hosting;

/// <summary>The Hangfire dashboard at <c>/hangfire</c>, for admins only.</summary>
internal static class HangfireDashboardExtensions
{
    /// <summary>
    /// Maps the dashboard behind two locks: the endpoint's <c>admin</c> policy (log-in redirect, 403 for other roles)
    /// and <see cref="AdminDashboardAuthorization"/> in Hangfire itself, which replaces Hangfire's local-requests-only
    /// default (a reverse proxy would make every request local).
    /// </summary>
    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            AsyncAuthorization = [new AdminDashboardAuthorization()],
            DisplayStorageConnectionString = false,
            AppPath = "/",
            DashboardTitle = "RiskOps jobs",
        }).RequireAuthorization(Policies.Admin);
        return app;
    }
}
