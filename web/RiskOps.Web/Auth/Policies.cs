using System.Security.Claims;

namespace RiskOps.Web.Auth;

/// <summary>The roles of the dashboard and the authorization policies built on them.</summary>
internal static class Policies
{
    /// <summary>Team lead: dashboards, CSV exports of their tables, and report packs (the weekly review's tools).</summary>
    public const string LeadRole = "lead";

    /// <summary>Manager: dashboards and reports.</summary>
    public const string ManagerRole = "manager";

    /// <summary>Data engineer: dashboards, the Data page and CSV exports.</summary>
    public const string DataRole = "data";

    /// <summary>Administrator: everything, including the Hangfire dashboard.</summary>
    public const string AdminRole = "admin";

    /// <summary>Every known role.</summary>
    public static IReadOnlyList<string> Roles { get; } = [LeadRole, ManagerRole, DataRole, AdminRole];

    /// <summary>Dashboard pages: any role.</summary>
    public const string Dashboards = "dashboards";

    /// <summary>The Data page (and its CSV exports): data, admin. Other pages' CSV exports need only <see cref="Dashboards"/>.</summary>
    public const string Data = "data";

    /// <summary>Report packs (generate and download): lead, manager, admin.</summary>
    public const string Reports = "reports";

    /// <summary>The Today work list and its CSV: team leads (who run the floor) and admins.</summary>
    public const string Worklists = "worklists";

    /// <summary>Hangfire dashboard and administration: admin.</summary>
    public const string Admin = "admin";

    /// <summary>True when the user may use a policy's features (for showing links; endpoints enforce the policy itself).</summary>
    public static bool Allows(ClaimsPrincipal user, string policy) => policy switch
    {
        Dashboards => Roles.Any(user.IsInRole),
        Data => (user.IsInRole(DataRole) || user.IsInRole(AdminRole)) && !VendorScope.IsScoped(user),
        Reports => (user.IsInRole(LeadRole) || user.IsInRole(ManagerRole) || user.IsInRole(AdminRole)) && !VendorScope.IsScoped(user),
        Admin => user.IsInRole(AdminRole) && !VendorScope.IsScoped(user),
        Worklists => user.IsInRole(LeadRole) || user.IsInRole(AdminRole),
        _ => false,
    };
}
