using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Sources;

/// <summary>
/// One record as delivered, before validation. Readers reuse one instance per source: a record is valid only until the
/// reader moves on.
/// </summary>
public sealed class RawRecord
{
    internal RawRecord(KindSchema schema)
    {
        Values = new object?[schema.Fields.Count];
    }

    /// <summary>1-based line of the record in its delivery (CSV: physical line, header = 1; NDJSON: line; Parquet/rows: row number).</summary>
    public long Line { get; internal set; }

    /// <summary>Values per contract field (index as in <see cref="KindSchema.Fields"/>): null, string, or a typed value.</summary>
    public object?[] Values { get; }

    /// <summary>
    /// Set when the record could not even be split into fields (bad JSON, wrong column count, NUL byte, invalid UTF-8, over
    /// 1 MiB...). Never quotes the record's text: it may hold a user id anywhere.
    /// </summary>
    public string? Error { get; internal set; }

    /// <summary>
    /// The record carries a field named <c>user_id</c> although its kind has none (a decisions file sent as labels): its
    /// raw text is then never kept readable and no reason quotes its values.
    /// </summary>
    internal bool ForeignUserId { get; set; }

    /// <summary>CSV: all cells of the row, for the quarantine's raw text.</summary>
    internal IReadOnlyList<string>? Cells { get; set; }

    /// <summary>NDJSON: the parsed line (disposed when the reader moves on), for the quarantine's raw text.</summary>
    internal System.Text.Json.JsonDocument? Json { get; set; }

    /// <summary>The record's bytes as delivered (CSV/NDJSON text; valid until the reader moves on), for the quarantine.</summary>
    internal ReadOnlyMemory<byte> Bytes { get; set; }

    internal void Reset(long line)
    {
        Line = line;
        Error = null;
        ForeignUserId = false;
        Cells = null;
        Json?.Dispose();
        Json = null;
        Bytes = default;
        Array.Clear(Values);
    }
}

/// <summary>
/// A JSON value whose type the field cannot take (an array, object or boolean where a string belongs...): the validator
/// refuses it with a reason naming the field and the JSON type, never its text.
/// </summary>
/// <param name="JsonType">The JSON type as a reason says it: <c>array</c>, <c>object</c>, <c>boolean</c>, <c>number</c>, <c>string</c>.</param>
internal sealed record JsonShape(string JsonType);

/// <summary>A readable delivery: its kind and its records.</summary>
internal interface IRecordSource : IDisposable
{
    KindSchema Schema { get; }

    /// <summary>The records in delivery order (one reused <see cref="RawRecord"/>). Throws <c>UnreadableInputException</c> on unreadable bytes.</summary>
    IEnumerable<RawRecord> Read(CancellationToken cancellationToken);

    /// <summary>
    /// The readable raw text of a record for the quarantine with every user id value replaced by <paramref name="hashUserId"/>
    /// of it, or null when a user id cannot be located with certainty (the quarantine then keeps the bytes only encrypted).
    /// </summary>
    string? RenderLocatable(RawRecord record, Func<string, string> hashUserId);

    /// <summary>The record's bytes as delivered (a Parquet/rows record: the UTF-8 JSON of its fields), for encryption or hashing.</summary>
    ReadOnlyMemory<byte> RawBytes(RawRecord record);

    /// <summary>
    /// CSV: the header's column names as a JSON array, a name that is no contract field of any kind given as null (a file
    /// without a header row has a record there) — what a replay needs to split the quarantine's raw row again. Else null.
    /// </summary>
    string? RawColumns => null;
}
