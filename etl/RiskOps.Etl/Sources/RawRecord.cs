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

    /// <summary>Set when the record could not even be split into fields (bad JSON, wrong column count...).</summary>
    public string? Error { get; internal set; }

    /// <summary>CSV: all cells of the row, for the quarantine's raw text.</summary>
    internal IReadOnlyList<string>? Cells { get; set; }

    /// <summary>NDJSON: the line as delivered, for the quarantine's raw text.</summary>
    internal string? Text { get; set; }

    internal void Reset(long line)
    {
        Line = line;
        Error = null;
        Cells = null;
        Text = null;
        Array.Clear(Values);
    }
}

/// <summary>A readable delivery: its kind and its records.</summary>
internal interface IRecordSource : IDisposable
{
    KindSchema Schema { get; }

    /// <summary>The records in delivery order (one reused <see cref="RawRecord"/>). Throws <c>UnreadableInputException</c> on unreadable bytes.</summary>
    IEnumerable<RawRecord> Read(CancellationToken cancellationToken);

    /// <summary>The raw text of a record for the quarantine, with the user id value replaced by <paramref name="hashedUserId"/>.</summary>
    string RenderRaw(RawRecord record, string? clearUserId, string? hashedUserId);
}
