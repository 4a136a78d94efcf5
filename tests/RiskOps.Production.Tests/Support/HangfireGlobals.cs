using Hangfire;
using Hangfire.Logging;

namespace RiskOps.Production.Tests.Support;

/// <summary>
/// Hangfire keeps process-wide statics (global filters with their loggers, the log provider). A host built inside the
/// test process installs its own logger factory there and disposes it with the host; these helpers keep later tests
/// from inheriting a disposed factory.
/// </summary>
public static class HangfireGlobals
{
    /// <summary>Runs Hangfire's static initialisers while no test host is alive.</summary>
    public static void EnsureInitialized() => _ = GlobalJobFilters.Filters.Count;

    /// <summary>Forgets a disposed host's log provider.</summary>
    public static void ResetLogProvider() => LogProvider.SetCurrentLogProvider(null);
}
