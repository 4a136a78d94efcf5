using System.Reflection;

namespace RiskOps.Web.Dashboard;

/// <summary>The dashboard's own SQL files (<c>Dashboard/Sql/*.sql</c>, embedded), loaded by name; an unknown name throws.</summary>
internal static class DashboardSql
{
    /// <summary>The statement of <c>Dashboard/Sql/&lt;name&gt;.sql</c>, its leading comment lines dropped.</summary>
    public static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"RiskOps.Web.Sql.{name}.sql")
            ?? throw new InvalidOperationException($"unknown dashboard SQL script '{name}'");
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').SkipWhile(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)));
    }
}
