namespace RiskOps.Production.Tests.Support;

/// <summary>Finds the repository (docker-compose.yml, the schema .sql file) from the test binaries.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding RiskOps.Analytics.sln).</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RiskOps.Analytics.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is not null)
        {
            return dir.FullName;
        }

        // Built with --artifacts-path the tests run outside the repository: use the root recorded at build time.
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return recorded is not null && File.Exists(Path.Combine(recorded, "RiskOps.Analytics.sln"))
            ? Path.GetFullPath(recorded)
            : throw new InvalidOperationException("RiskOps.Analytics.sln not found above the test folder");
    }
}
