using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Lake;

/// <summary>The physical type of a lake column.</summary>
internal enum ColumnType
{
    String,
    Timestamp,
    Double,
    Int32,
    Int64,
    Bool,
    StringList,
}

/// <summary>One column of a lake file. <paramref name="Dictionary"/> hints dictionary encoding (low-cardinality strings).</summary>
internal sealed record LakeColumn(string Name, ColumnType Type, bool Dictionary = false);

/// <summary>Folder layout and column layout of the lake (see docs/lake.md).</summary>
public static class LakeLayout
{
    /// <summary>Folder of the quarantine table.</summary>
    public const string QuarantineFolder = "quarantine";

    /// <summary>Folder of the batch manifests.</summary>
    public const string ManifestFolder = "_manifests";

    /// <summary>File name prefix of compaction's output: its rows are manifested rows although no manifest lists the file.</summary>
    public const string CompactedPrefix = "part-compacted-";

    /// <summary>Folder where batches are staged before they are renamed into place.</summary>
    public const string StagingFolder = "_staging";

    /// <summary>Folder of the lake lock and of the journals of publishes in progress (see <see cref="PublishJournal"/>).</summary>
    public const string JournalFolder = "_journal";

    /// <summary>The lineage columns every stored row carries, after the contract fields.</summary>
    public static IReadOnlyList<string> LineageColumns { get; } = ["ingested_at", "batch_id", "source", "source_line", "record_hash"];

    // Strings with few distinct values per file: dictionary encoding makes them smaller and faster to scan.
    private static readonly HashSet<string> LowCardinality = new(StringComparer.Ordinal)
    {
        "case_type", "model_version", "ai_decision", "routing", "region", "reviewer_org", "vendor", "reviewer_tier",
        "decision", "label", "label_source", "root_cause_type", "root_cause_code", "verdict", "error_category",
        "scenario_code", "sop_version", "sop_page", "batch_id", "source", "signals", "labeled_by", "auditor_id",
        "reviewer_id", "kind", "reason",
    };

    private static readonly Dictionary<RecordKind, IReadOnlyList<LakeColumn>> Columns = RecordKinds.All.ToDictionary(k => k, BuildColumns);

    internal static IReadOnlyList<LakeColumn> QuarantineColumns { get; } =
    [
        new("kind", ColumnType.String, true),
        new("source", ColumnType.String, true),
        new("line", ColumnType.Int64),
        new("reason", ColumnType.String),
        new("raw", ColumnType.String),
        new("batch_id", ColumnType.String, true),
        new("ingested_at", ColumnType.Timestamp),

        // Contract v2: where the user id cannot be located in a refused record, raw is null and only these are kept.
        new("raw_encrypted", ColumnType.String),
        new("raw_sha256", ColumnType.String),
        new("raw_length", ColumnType.Int64),

        // Replay: a CSV row's header (contract field names only; others null), so its raw row can be split again.
        new("raw_columns", ColumnType.String, true),
    ];

    /// <summary>The lake column names of a kind, in file order: contract fields, kind extras, lineage.</summary>
    public static IReadOnlyList<string> ColumnNames(RecordKind kind) => Columns[kind].Select(c => c.Name).ToArray();

    internal static IReadOnlyList<LakeColumn> ColumnsOf(RecordKind kind) => Columns[kind];

    /// <summary>The folder of a kind's partition: <c>&lt;lake&gt;/&lt;kind&gt;/dt=YYYY-MM-DD</c>.</summary>
    public static string PartitionDirectory(string lakeRoot, RecordKind kind, DateOnly dt) =>
        Path.Combine(lakeRoot, kind.LakeName(), PartitionName(dt));

    /// <summary>The partition folder name <c>dt=YYYY-MM-DD</c>.</summary>
    public static string PartitionName(DateOnly dt) => "dt=" + dt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The data file name of a batch in one partition.</summary>
    public static string PartFileName(string batchId) => $"part-{batchId}.parquet";

    /// <summary>The manifest path of a batch.</summary>
    public static string ManifestPath(string lakeRoot, string batchId) => Path.Combine(lakeRoot, ManifestFolder, batchId + ".json");

    /// <summary>
    /// What <paramref name="directory"/> is: <see cref="LakeDirectoryState.Missing"/>, <see cref="LakeDirectoryState.Empty"/>
    /// (no entries but hidden ones such as <c>.DS_Store</c>), <see cref="LakeDirectoryState.Lake"/> (it holds
    /// <c>_manifests/</c>, <c>_journal/</c>, <c>_staging/</c>, <c>quarantine/</c> or a kind folder) or
    /// <see cref="LakeDirectoryState.NotALake"/> (anything else, e.g. a mistyped path to a home or project folder).
    /// </summary>
    public static LakeDirectoryState Inspect(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            return LakeDirectoryState.NotALake;
        }

        if (!Directory.Exists(full))
        {
            return LakeDirectoryState.Missing;
        }

        var markers = RecordKinds.All.Select(k => k.LakeName()).Concat([ManifestFolder, JournalFolder, StagingFolder, QuarantineFolder]);
        if (markers.Any(m => Directory.Exists(Path.Combine(full, m))))
        {
            return LakeDirectoryState.Lake;
        }

        return Directory.EnumerateFileSystemEntries(full).Any(e => !Path.GetFileName(e).StartsWith('.'))
            ? LakeDirectoryState.NotALake
            : LakeDirectoryState.Empty;
    }

    private static IReadOnlyList<LakeColumn> BuildColumns(RecordKind kind)
    {
        var columns = new List<LakeColumn>();
        foreach (var field in KindSchemas.For(kind).Fields)
        {
            var type = field.Type switch
            {
                FieldType.String or FieldType.Enum => ColumnType.String,
                FieldType.Timestamp => ColumnType.Timestamp,
                FieldType.Double => ColumnType.Double,
                FieldType.Int => ColumnType.Int32,
                FieldType.Bool => ColumnType.Bool,
                FieldType.StringList => ColumnType.StringList,
                _ => throw new InvalidOperationException($"no column type for {field.Type}"),
            };
            columns.Add(new LakeColumn(field.Name, type, LowCardinality.Contains(field.Name)));
        }

        if (kind == RecordKind.Labels)
        {
            columns.Add(new LakeColumn("annotation_flagged", ColumnType.Bool));
        }

        columns.Add(new LakeColumn("ingested_at", ColumnType.Timestamp));
        columns.Add(new LakeColumn("batch_id", ColumnType.String, true));
        columns.Add(new LakeColumn("source", ColumnType.String, true));
        columns.Add(new LakeColumn("source_line", ColumnType.Int64));
        columns.Add(new LakeColumn("record_hash", ColumnType.String));
        return columns;
    }
}

/// <summary>What a directory given as a lake is (<see cref="LakeLayout.Inspect"/>).</summary>
public enum LakeDirectoryState
{
    /// <summary>It does not exist: an ingest creates a new lake there.</summary>
    Missing,

    /// <summary>It exists and is empty (hidden entries aside): an ingest starts a new lake there.</summary>
    Empty,

    /// <summary>It holds a lake.</summary>
    Lake,

    /// <summary>It holds something else: an ingest refuses it.</summary>
    NotALake,
}
