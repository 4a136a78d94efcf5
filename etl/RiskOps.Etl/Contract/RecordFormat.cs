namespace RiskOps.Etl.Contract;

/// <summary>The input formats a source may deliver (contract §1).</summary>
public enum RecordFormat
{
    Csv,
    Ndjson,
    Parquet,
}
