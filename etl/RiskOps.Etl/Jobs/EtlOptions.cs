namespace RiskOps.Etl.Jobs;

/// <summary>Options of the ETL jobs, bound from the <c>Etl</c> configuration section.</summary>
public sealed class EtlOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Etl";

    /// <summary>The landing folder the landing scan watches (<c>Etl:LandingFolder</c>).</summary>
    /// <value>Default: <c>&lt;lake&gt;/../landing</c> — beside the lake, not inside it, so the lake holds only lake data.</value>
    public string? LandingFolder { get; set; }

    /// <summary>Resolves the landing folder for a lake root.</summary>
    public string ResolveLandingFolder(string lakeRoot) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(LandingFolder) ? Path.Combine(lakeRoot, "..", "landing") : LandingFolder);
}
