using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>
/// The one path into the lake: parse → validate → hash user ids → quarantine the bad → publish the good atomically.
/// Files, the HTTP ingest API, the PostgreSQL extractor and the demo generator all land through it.
/// </summary>
public sealed class IngestPipeline
{
    /// <summary>Lands one file. Kind from <paramref name="kind"/>, else from the file name's leading kind name, else from the header.</summary>
    /// <exception cref="UnreadableInputException">The file cannot be read at all; nothing is written.</exception>
    public Task<IngestResult> IngestFileAsync(string path, RecordKind? kind, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Lands a delivery from a stream (HTTP body). <paramref name="batchKey"/> (an idempotency key) makes a retried delivery land once; when null the content hash is used.</summary>
    public Task<IngestResult> IngestStreamAsync(Stream content, RecordFormat format, RecordKind kind, string source, string? batchKey, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>
    /// Lands rows already split into fields (PostgreSQL extractor, demo generator). Values may be null, string, numbers,
    /// bool, DateTimeOffset/DateTime (UTC) or an <c>IEnumerable&lt;string&gt;</c> for list fields.
    /// </summary>
    public Task<IngestResult> IngestRowsAsync(RecordKind kind, IEnumerable<IReadOnlyDictionary<string, object?>> rows, string source, string batchKey, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
