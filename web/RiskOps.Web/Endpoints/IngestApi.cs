using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Sql;
using RiskOps.Web.Health;

namespace RiskOps.Web.Endpoints;

/// <summary>Options of the HTTP ingest API (section <c>Ingest</c>).</summary>
internal sealed class IngestApiOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Ingest";

    /// <summary>
    /// Accepted API keys (<c>Ingest:ApiKeys:0</c>, ... or one comma-separated value, e.g. <c>Ingest__ApiKeys=key1,key2</c>).
    /// No key configured = API closed. Each batch records the id of the key that delivered it (<see cref="IngestApi.ApiKeyId"/>).
    /// </summary>
    /// <value>Default: none.</value>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Largest accepted body.</summary>
    /// <value>Default: 50 MB (52,428,800 bytes).</value>
    public long MaxBodyBytes { get; set; } = 50L * 1024 * 1024;
}

/// <summary>The answer of <c>POST /api/ingest/{kind}</c> (snake_case JSON).</summary>
internal sealed record IngestResponse(
    string BatchId,
    string Kind,
    long Landed,
    long Quarantined,
    long Duplicates,
    bool AlreadyIngested,
    long Flagged,
    IReadOnlyList<IngestQuarantineSample> QuarantineSample);

/// <summary>One quarantined record in the answer: its line in the body and why (the raw text stays in the lake).</summary>
internal sealed record IngestQuarantineSample(long Line, string Reason);

/// <summary>An error answer: <c>{"error": "..."}</c>.</summary>
internal sealed record IngestError(string Error);

/// <summary>
/// <c>POST /api/ingest/{kind}</c>: the agent's pipeline lands NDJSON or CSV through the same validation and quarantine
/// path as files. API key in <c>X-Api-Key</c>; <c>Idempotency-Key</c> makes a retried POST land once.
/// </summary>
internal static class IngestApi
{
    private static readonly Dictionary<string, RecordFormat> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/x-ndjson"] = RecordFormat.Ndjson,
        ["application/ndjson"] = RecordFormat.Ndjson,
        ["application/jsonl"] = RecordFormat.Ndjson,
        ["text/csv"] = RecordFormat.Csv,
    };

    /// <summary>Registers the options (<c>Ingest:ApiKeys</c>, <c>Ingest:MaxBodyBytes</c>).</summary>
    public static WebApplicationBuilder AddIngestApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IdempotencyGate>();
        builder.Services.AddOptions<IngestApiOptions>().BindConfiguration(IngestApiOptions.SectionName).PostConfigure<IConfiguration>((o, configuration) =>
        {
            // The binder ignores a scalar for a list, so the documented `Ingest__ApiKeys=key1,key2` is read here.
            var scalar = configuration[IngestApiOptions.SectionName + ":ApiKeys"];
            var keys = (scalar is { Length: > 0 } ? o.ApiKeys.Append(scalar) : o.ApiKeys).Where(k => k is not null);
            o.ApiKeys = keys.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        });
        return builder;
    }

    /// <summary>Maps the endpoint. It is outside cookie auth (machines have no session) and checks the API key itself.</summary>
    public static WebApplication MapIngestApi(this WebApplication app)
    {
        app.MapPost("/api/ingest/{kind}", IngestAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// The non-secret id of an API key, recorded in each batch's <c>source</c>: <c>key-</c> and the first 12 hex digits of
    /// the key's SHA-256. It tells deliveries apart and cannot be turned back into the key.
    /// </summary>
    public static string ApiKeyId(string key) =>
        "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..12];

    /// <summary>
    /// The <c>source</c> of an API batch: <c>http:/api/ingest/KIND?api_key=ID&amp;sha256=HASH</c>, HASH being the content
    /// hash of the body (the pipeline's own: kind, newline, bytes; 24 hex digits). It lands in the manifest and in every
    /// row's lineage, so a batch says which key delivered it, and a reused Idempotency-Key can be checked against the body.
    /// </summary>
    public static string SourceOf(RecordKind kind, string apiKeyId, string contentHash) =>
        $"http:/api/ingest/{kind.LakeName()}?api_key={apiKeyId}&sha256={contentHash}";

    private static async Task<Results<JsonHttpResult<IngestResponse>, JsonHttpResult<IngestError>>> IngestAsync(
        string kind,
        HttpContext context,
        IngestPipeline pipeline,
        IOptions<IngestApiOptions> options,
        IdempotencyGate gate,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var apiKey = AcceptedKey(request.Headers["X-Api-Key"].ToString(), options.Value.ApiKeys);
        if (apiKey is null)
        {
            context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
            return Error(StatusCodes.Status401Unauthorized, "missing or invalid API key (header X-Api-Key)");
        }

        if (!RecordKinds.TryParse(kind, out var recordKind))
        {
            return Error(StatusCodes.Status404NotFound, $"unknown kind '{kind}' (expected one of {string.Join(", ", RecordKinds.All.Select(k => k.LakeName()))})");
        }

        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if (!MediaTypes.TryGetValue(mediaType, out var format))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, $"unsupported Content-Type '{mediaType}' (expected application/x-ndjson or text/csv)");
        }

        var max = options.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"body of {request.ContentLength} bytes is larger than the limit of {max} bytes (Ingest:MaxBodyBytes)");
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].ToString().Trim();
        if (idempotencyKey.Length > 200 || idempotencyKey.Any(char.IsControl))
        {
            return Error(StatusCodes.Status400BadRequest, "Idempotency-Key must be at most 200 printable characters");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        if (request.ContentLength == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "empty body");
        }

        var apiKeyId = ApiKeyId(apiKey);
        // Keys are scoped per API key: two senders choosing the same Idempotency-Key never collide.
        var batchKey = idempotencyKey.Length > 0 ? apiKeyId + ":" + idempotencyKey : null;
        using var claim = batchKey is null ? null : gate.TryClaim(recordKind.LakeName() + "\n" + batchKey);
        if (batchKey is not null && claim is null)
        {
            return InProgress(context);
        }

        var logger = loggers.CreateLogger(typeof(IngestApi));
        try
        {
            // The body is spooled (and hashed) first: the content hash goes into the batch's source, so a reused key can
            // be compared with the body it first came with. The wrapper stops at the limit, chunked bodies included.
            await using var spool = await Spool.CreateAsync(new LimitedStream(request.Body, max), recordKind, cancellationToken);
            if (spool.Length == 0)
            {
                return Error(StatusCodes.Status400BadRequest, "empty body");
            }

            var source = SourceOf(recordKind, apiKeyId, spool.ContentHash);
            var started = Stopwatch.GetTimestamp();
            var result = await pipeline.IngestStreamAsync(spool.Stream, format, recordKind, source, batchKey, cancellationToken);
            if (result.AlreadyIngested && batchKey is not null && ContentHashOf(result.Source) is { } first && first != spool.ContentHash)
            {
                logger.LogWarning("Ingest API: Idempotency-Key reused with another body by {ApiKey} (batch {BatchId}); refused", apiKeyId, result.BatchId);
                return Error(StatusCodes.Status422UnprocessableEntity,
                    $"Idempotency-Key was already used for a different body (batch {result.BatchId}); use a new key for new content");
            }

            if (!result.AlreadyIngested)
            {
                RiskOpsMetrics.Batch("api", result, Stopwatch.GetElapsedTime(started));
            }

            logger.LogInformation(
                "Ingest API batch {BatchId} ({Kind}) from {ApiKey}: {Landed} landed, {Quarantined} quarantined, {Duplicates} duplicates, already ingested {Already}",
                result.BatchId, recordKind.LakeName(), apiKeyId, result.Landed, result.Quarantined, result.Duplicates, result.AlreadyIngested);
            return TypedResults.Json(new IngestResponse(
                result.BatchId,
                recordKind.LakeName(),
                result.Landed,
                result.Quarantined,
                result.Duplicates,
                result.AlreadyIngested,
                result.Flagged,
                result.QuarantineSample.Select(q => new IngestQuarantineSample(q.Line, q.Reason)).ToList()), WarehouseJson.Options);
        }
        catch (UnreadableInputException ex)
        {
            return Error(StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (BatchInProgressException)
        {
            // Another process is landing this very batch (same key or same body) right now.
            return InProgress(context);
        }
        catch (Exception ex) when (ex is BodyTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"body is larger than the limit of {max} bytes (Ingest:MaxBodyBytes)");
        }
        catch (Exception ex) when (LakeFaults.UnreadableFile(ex, pipeline.LakeRoot) is { } file)
        {
            logger.LogError("Ingest API: the lake file {File} cannot be read; the batch was not landed", file);
            context.Response.Headers.RetryAfter = "300";
            return Error(StatusCodes.Status503ServiceUnavailable,
                $"the lake partition {LakeFaults.PartitionOf(file)} cannot be written: its file {file} is unreadable; nothing was landed, retry after an operator has repaired it");
        }
    }

    private static JsonHttpResult<IngestError> InProgress(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "5";
        return Error(StatusCodes.Status409Conflict, "a delivery with this Idempotency-Key is being ingested right now; retry after it has finished");
    }

    /// <summary>The <c>sha256=</c> part of an API batch's source, or null for sources written before it was recorded.</summary>
    private static string? ContentHashOf(string source)
    {
        var at = source.IndexOf("sha256=", StringComparison.Ordinal);
        return at < 0 ? null : source[(at + "sha256=".Length)..].Split('&')[0];
    }

    private static JsonHttpResult<IngestError> Error(int status, string message) =>
        TypedResults.Json(new IngestError(message), WarehouseJson.Options, "application/json", status);

    /// <summary>The configured key the caller presented, or null. Compares in constant time (on hashes, so lengths leak nothing either).</summary>
    private static string? AcceptedKey(string presented, IReadOnlyList<string> keys)
    {
        if (presented.Length == 0 || keys.Count == 0)
        {
            return null;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? accepted = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(key))))
            {
                accepted = key;
            }
        }

        return accepted;
    }
}

/// <summary>
/// The Idempotency-Keys being ingested in this process: a second post of a key still in flight is answered 409 at once,
/// before its body is read (across processes the pipeline's staging lock answers the same).
/// </summary>
internal sealed class IdempotencyGate
{
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);

    /// <summary>A claim released on dispose, or null when the key is in flight already.</summary>
    public IDisposable? TryClaim(string key) => _inFlight.TryAdd(key, 0) ? new Claim(this, key) : null;

    private sealed class Claim(IdempotencyGate gate, string key) : IDisposable
    {
        public void Dispose() => gate._inFlight.TryRemove(key, out _);
    }
}

/// <summary>A request body spooled to a temporary file (deleted on dispose) with the pipeline's content hash.</summary>
internal sealed class Spool : IAsyncDisposable
{
    private Spool(FileStream stream, string contentHash)
    {
        Stream = stream;
        ContentHash = contentHash;
    }

    /// <summary>The spooled body, positioned at its start.</summary>
    public FileStream Stream { get; }

    /// <summary>SHA-256 of the kind's lake name, a newline and the body (24 hex digits), as <c>IngestPipeline</c> computes it.</summary>
    public string ContentHash { get; }

    /// <summary>Bytes spooled.</summary>
    public long Length => Stream.Length;

    /// <summary>Copies <paramref name="body"/> to a temporary file while hashing it.</summary>
    public static async Task<Spool> CreateAsync(Stream body, RecordKind kind, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "riskops-ingest-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(Encoding.UTF8.GetBytes(kind.LakeName() + "\n"));
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            file.Position = 0;
            return new Spool(file, Convert.ToHexStringLower(sha.GetHashAndReset())[..24]);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}

/// <summary>A body went past <c>Ingest:MaxBodyBytes</c>.</summary>
internal sealed class BodyTooLargeException() : Exception("request body too large");

/// <summary>A read-only view of a stream that throws <see cref="BodyTooLargeException"/> once more than a limit is read.</summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new BodyTooLargeException() : read;
    }
}
