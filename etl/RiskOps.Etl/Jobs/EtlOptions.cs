using System.ComponentModel.DataAnnotations;

namespace RiskOps.Etl.Jobs;

/// <summary>Options of the ETL jobs, bound from the <c>Etl</c> configuration section.</summary>
public sealed class EtlOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Etl";

    /// <summary>The landing folder the landing scan watches (<c>Etl:LandingFolder</c>).</summary>
    /// <value>Default: <c>&lt;lake&gt;/../landing</c> — beside the lake, not inside it, so the lake holds only lake data.</value>
    public string? LandingFolder { get; set; }

    /// <summary>
    /// Days a landed file is kept in <c>landing/processed/</c> (<c>Etl:ProcessedRetentionDays</c>). The lake holds every
    /// record of it, with the user id hashed, while the landed file holds it in clear: 0 deletes it as soon as it has landed.
    /// </summary>
    /// <value>Default: 0 (deleted right after landing).</value>
    [Range(0, 3650)]
    public int ProcessedRetentionDays { get; set; }

    /// <summary>
    /// Days an unreadable file is kept in <c>landing/failed/</c> with its <c>.reason.txt</c> (<c>Etl:FailedRetentionDays</c>),
    /// long enough for someone to look at it and send it again; each scan deletes older ones. 0 deletes it at once (only the
    /// reason file is left, for the same number of days: none).
    /// </summary>
    /// <value>Default: 7.</value>
    [Range(0, 3650)]
    public int FailedRetentionDays { get; set; } = 7;

    /// <summary>Resolves the landing folder for a lake root.</summary>
    public string ResolveLandingFolder(string lakeRoot) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(LandingFolder) ? Path.Combine(lakeRoot, "..", "landing") : LandingFolder);
}
