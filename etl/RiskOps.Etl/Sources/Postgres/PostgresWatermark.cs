using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskOps.Etl.Sources.Postgres;

/// <summary>
/// The position of one table's extract: the last (<c>updated_at</c>, key) that landed in the lake. Key values are kept
/// as text and cast back to the column's type in SQL.
/// </summary>
/// <param name="UpdatedAt">The last landed row's <c>updated_at</c>.</param>
/// <param name="Key">The last landed row's key values, in key order.</param>
/// <param name="Rows">Rows extracted so far (all runs).</param>
/// <param name="LastBatchId">The lake batch of the last page.</param>
/// <param name="AdvancedAt">When the watermark last moved.</param>
public sealed record PostgresWatermark(
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("key")] IReadOnlyList<string> Key,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("last_batch_id")] string? LastBatchId,
    [property: JsonPropertyName("advanced_at")] DateTimeOffset AdvancedAt);

/// <summary>
/// Watermarks live in the lake (<c>&lt;lake&gt;/_state/pg-watermarks.json</c>) next to the data they describe, so a
/// snapshot of the lake volume restores data and position together. Written atomically (temp file + rename).
/// </summary>
public sealed class PostgresWatermarkStore(string lakeRoot)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The watermark file.</summary>
    public string FilePath { get; } = Path.Combine(lakeRoot, "_state", "pg-watermarks.json");

    /// <summary>All watermarks by table name (empty when none was written yet).</summary>
    public async Task<Dictionary<string, PostgresWatermark>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return new Dictionary<string, PostgresWatermark>(StringComparer.Ordinal);
        }

        await using var stream = File.OpenRead(FilePath);
        var map = await JsonSerializer.DeserializeAsync<Dictionary<string, PostgresWatermark>>(stream, JsonOptions, cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, PostgresWatermark>(map ?? [], StringComparer.Ordinal);
    }

    /// <summary>Replaces the file with <paramref name="watermarks"/>; readers see the old or the new file, never a torn one.</summary>
    public async Task SaveAsync(IReadOnlyDictionary<string, PostgresWatermark> watermarks, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".pg-watermarks.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            {
                await JsonSerializer.SerializeAsync(stream, watermarks.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(), JsonOptions, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, FilePath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
