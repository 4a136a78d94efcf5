using RiskOps.Web.Auth;
using RiskOps.Web.Dashboard.Views;

namespace RiskOps.Web.Dashboard;

/// <summary>One dashboard page: its URL segment, navigation label, policy and builder.</summary>
internal sealed record DashboardPage(string Key, string Path, string Label, string Policy, bool InNavigation, Func<PageRequest, PageView?> Build);

/// <summary>The dashboard's pages, in navigation order.</summary>
internal static class DashboardPages
{
    /// <summary>All pages.</summary>
    public static IReadOnlyList<DashboardPage> All { get; } =
    [
        new("overview", "/", "Overview", Policies.Dashboards, true, OverviewView.Build),
        new("model", "/model", "Model quality", Policies.Dashboards, true, ModelQualityView.Build),
        new("calibration", "/calibration", "Calibration & thresholds", Policies.Dashboards, true, CalibrationView.Build),
        new("clusters", "/clusters", "FP/FN patterns", Policies.Dashboards, true, ClustersView.Build),
        new("cluster", "/cluster", "Cluster", Policies.Dashboards, false, r => ClustersView.BuildDetail(r, r.Query["cluster"].FirstOrDefault())),
        new("experiments", "/experiments", "Experiments", Policies.Dashboards, true, ExperimentsView.Build),
        new("today", "/today", "Today", Policies.Worklists, true, TodayView.Build),
        new("sla", "/sla", "SLA", Policies.Dashboards, true, SlaView.Build),
        new("bpo", "/bpo", "BPO quality", Policies.Dashboards, true, BpoView.Build),
        new("sop", "/sop", "SOP coverage", Policies.Dashboards, true, SopView.Build),
        new("data", "/data", "Data", Policies.Data, true, DataView.Build),
    ];

    /// <summary>The page for a URL segment (empty = overview), or null.</summary>
    public static DashboardPage? Find(string? key) =>
        All.FirstOrDefault(p => p.Key == (string.IsNullOrEmpty(key) ? "overview" : key.ToLowerInvariant()));
}
