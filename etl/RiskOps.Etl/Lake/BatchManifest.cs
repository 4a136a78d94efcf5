using System.Text.Json;
using System.Text.Json.Serialization;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>
/// What one batch landed: written last, to <c>&lt;lake&gt;/_manifests/&lt;batch_id&gt;.json</c>. Its presence means the batch
/// is complete; a re-delivery of the same batch is then a no-op.
/// </summary>
public sealed record BatchManifest
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary>The kind's lake name.</summary>
    public required string Kind { get; init; }

    /// <summary>Where the batch came from.</summary>
    public required string Source { get; init; }

    /// <summary>The caller's idempotency key (HTTP, PostgreSQL, demo), when there was one.</summary>
    public string? BatchKey { get; init; }

    /// <summary>When the batch was ingested (UTC).</summary>
    public required DateTimeOffset IngestedAt { get; init; }

    /// <summary>Records read.</summary>
    public long Records { get; init; }

    /// <summary>Valid records written.</summary>
    public long Landed { get; init; }

    /// <summary>Records quarantined.</summary>
    public long Quarantined { get; init; }

    /// <summary>Valid records skipped as already in the lake.</summary>
    public long Duplicates { get; init; }

    /// <summary>Records landed with a flag.</summary>
    public long Flagged { get; init; }

    /// <summary>Data files, relative to the lake root, '/'-separated.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Quarantine files, relative to the lake root.</summary>
    public IReadOnlyList<string> QuarantineFiles { get; init; } = [];

    /// <summary>
    /// The lake version this manifest published: 1-based, monotonic across the whole lake, assigned as the largest
    /// existing version + 1 under the lake lock when the manifest is written (docs/lake.md, "Lake versions"). Null only in a
    /// manifest written before versions existed; <see cref="LakeVersionLog"/> numbers those by publish order.
    /// </summary>
    public long? LakeVersion { get; init; }

    /// <summary>When the manifest was written (UTC); for a backfilled manifest its <see cref="IngestedAt"/>.</summary>
    public DateTimeOffset? PublishedAt { get; init; }

    internal static BatchManifest? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return Parse(File.ReadAllText(path));
    }

    internal static BatchManifest? Parse(string json) => JsonSerializer.Deserialize<BatchManifest>(json, JsonOptions);

    internal string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    internal void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, JsonOptions);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    internal RecordKind ParsedKind() => RecordKinds.TryParse(Kind, out var kind) ? kind : throw new InvalidDataException($"manifest kind '{Kind}'");
}
