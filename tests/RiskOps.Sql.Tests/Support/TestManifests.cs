using System.Text.Json;

namespace RiskOps.Sql.Tests.Support;

/// <summary>
/// Writes batch manifests (<c>&lt;lake&gt;/_manifests/&lt;batch_id&gt;.json</c>) in the ETL's shape: snake_case, with
/// <c>lake_version</c> and <c>published_at</c> (contract v2), or without them like manifests of older lakes.
/// </summary>
public static class TestManifests
{
    public static void Write(string lakeRoot, string batchId, long? lakeVersion, DateTimeOffset ingestedAt, DateTimeOffset? publishedAt = null, string kind = "decisions")
    {
        var folder = Path.Combine(lakeRoot, "_manifests");
        Directory.CreateDirectory(folder);
        var manifest = new Dictionary<string, object?>
        {
            ["batch_id"] = batchId,
            ["kind"] = kind,
            ["source"] = "test",
            ["ingested_at"] = ingestedAt,
            ["files"] = Array.Empty<string>(),
        };
        if (lakeVersion is { } version)
        {
            manifest["lake_version"] = version;
            manifest["published_at"] = publishedAt ?? ingestedAt;
        }

        File.WriteAllText(Path.Combine(folder, batchId + ".json"), JsonSerializer.Serialize(manifest));
    }
}
