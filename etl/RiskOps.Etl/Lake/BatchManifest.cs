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

    /// <summary>
    /// What wrote the manifest when it was not an ingest: <c>replay</c> (<see cref="QuarantineReplay"/>) or <c>erase</c>
    /// (<see cref="Erasure"/>); absent for an ingest batch (docs/lake.md, "Replay and erasure").
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Operation { get; init; }

    /// <summary>A replay: the quarantine rows it took, per quarantine batch (their lines in the original delivery).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ReplayedBatch>? ReplayedFrom { get; init; }

    /// <summary>A replay or erasure: quarantine rows it removed from the quarantine.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? QuarantineRemoved { get; init; }

    /// <summary>An erasure: lake files it deleted because every row in them was the user's (lake-relative).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? DeletedFiles { get; init; }

    /// <summary>An erasure: data rows it removed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? RowsErased { get; init; }

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

/// <summary>The quarantine rows of one quarantine batch that a replay took (<see cref="BatchManifest.ReplayedFrom"/>).</summary>
/// <param name="BatchId">The quarantine batch (the ingest that refused them).</param>
/// <param name="Source">Where that batch came from.</param>
/// <param name="Lines">The rows' lines in the original delivery (the quarantine's <c>line</c>), ascending.</param>
/// <param name="Landed">How many of them landed now (the others were duplicates of rows already in the lake, or erased).</param>
public sealed record ReplayedBatch(string BatchId, string Source, IReadOnlyList<long> Lines, long Landed);
