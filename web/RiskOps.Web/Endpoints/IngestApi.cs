using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;
using RiskOps.Sql;

namespace RiskOps.Web.Endpoints;

/// <summary>Options of the HTTP ingest API (section <c>Ingest</c>).</summary>
internal sealed class IngestApiOptions
{
    /// <summary>Accepted API keys (<c>Ingest:ApiKeys:0</c>, ... or one comma-separated value). No key configured = API closed.</summary>
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
        builder.Services.AddOptions<IngestApiOptions>().BindConfiguration("Ingest").PostConfigure(o =>
            o.ApiKeys = o.ApiKeys.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList());
        return builder;
    }

    /// <summary>Maps the endpoint. It is outside cookie auth (machines have no session) and checks the API key itself.</summary>
    public static WebApplication MapIngestApi(this WebApplication app)
    {
        app.MapPost("/api/ingest/{kind}", IngestAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<Results<JsonHttpResult<IngestResponse>, JsonHttpResult<IngestError>>> IngestAsync(
        string kind,
        HttpContext context,
        IngestPipeline pipeline,
        IOptions<IngestApiOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!KeyAccepted(request.Headers["X-Api-Key"].ToString(), options.Value.ApiKeys))
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

        // The pipeline spools the body to the lake's staging folder itself; this wrapper stops it at the limit, which
        // also holds for chunked bodies (no Content-Length) and hosts without a server-side limit.
        await using var body = new LimitedStream(request.Body, max);
        try
        {
            var result = await pipeline.IngestStreamAsync(
                body,
                format,
                recordKind,
                $"http:/api/ingest/{recordKind.LakeName()}",
                idempotencyKey.Length > 0 ? idempotencyKey : null,
                cancellationToken);
            loggers.CreateLogger(typeof(IngestApi)).LogInformation(
                "Ingest API batch {BatchId} ({Kind}): {Landed} landed, {Quarantined} quarantined, {Duplicates} duplicates, already ingested {Already}",
                result.BatchId, recordKind.LakeName(), result.Landed, result.Quarantined, result.Duplicates, result.AlreadyIngested);
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
        catch (Exception ex) when (ex is BodyTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"body is larger than the limit of {max} bytes (Ingest:MaxBodyBytes)");
        }
    }

    private static JsonHttpResult<IngestError> Error(int status, string message) =>
        TypedResults.Json(new IngestError(message), WarehouseJson.Options, "application/json", status);

    /// <summary>Compares in constant time (on hashes, so lengths leak nothing either).</summary>
    private static bool KeyAccepted(string presented, IReadOnlyList<string> keys)
    {
        if (presented.Length == 0 || keys.Count == 0)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var accepted = false;
        foreach (var key in keys)
        {
            accepted |= CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return accepted;
    }
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
