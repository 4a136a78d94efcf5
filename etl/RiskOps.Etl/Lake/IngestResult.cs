using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>One quarantined record: where it came from and why it was refused.</summary>
public sealed record QuarantinedRecord(string Source, long Line, string Reason, string Raw);

/// <summary>What one ingest batch did.</summary>
/// <param name="BatchId">The batch id (content hash of the delivery).</param>
/// <param name="Kind">The record kind.</param>
/// <param name="Source">The source (file path, <c>http:...</c>, <c>postgres:table</c>).</param>
/// <param name="Landed">Valid records written to the lake by this batch.</param>
/// <param name="Quarantined">Records sent to quarantine.</param>
/// <param name="Duplicates">Valid records skipped because the same record is already in the lake.</param>
/// <param name="AlreadyIngested">True when the whole batch had landed before (a no-op re-delivery).</param>
/// <param name="Flagged">Records landed with a flag (e.g. an annotation longer than three sentences).</param>
/// <param name="QuarantineSample">Up to the first 20 quarantined records, for display.</param>
public sealed record IngestResult(
    string BatchId,
    RecordKind Kind,
    string Source,
    long Landed,
    long Quarantined,
    long Duplicates,
    bool AlreadyIngested,
    long Flagged,
    IReadOnlyList<QuarantinedRecord> QuarantineSample);

/// <summary>A delivery that cannot be read at all (unknown kind, unreadable file, not the format it claims).</summary>
public sealed class UnreadableInputException(string message, Exception? inner = null) : Exception(message, inner);
