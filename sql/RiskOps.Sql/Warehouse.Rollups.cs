using System.Text.Json;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>The rollup folder under the lake root.</summary>
    public const string RollupFolder = "_rollups";

    /// <summary>
    /// The additive daily rollups (<c>rollups/rollup_&lt;name&gt;.sql</c> over the temp relations <c>scope</c> and
    /// <c>scope_audits</c>), each keyed by the case dimensions scored_date, week, case_type, model_version and region.
    /// </summary>
    public static readonly IReadOnlyList<string> AggregateTables =
        ["daily", "daily_calibration", "daily_open", "daily_resolution", "daily_qa", "daily_audits", "daily_agreement", "daily_root_causes"];

    /// <summary>The one daily rollup whose size grows with the resolved cases (the quantiles' values).</summary>
    private const string ResolutionTable = "daily_resolution";

    /// <summary>The daily rollups only <see cref="MetricsDetail.Full"/> reads: quantile values and the quality table's inputs.</summary>
    private static readonly string[] FullDetailTables = [ResolutionTable, "daily_audits", "daily_agreement"];

    /// <summary>
    /// The daily rollups also kept summed over review_vendors in memory (calls without a vendor filter read that copy),
    /// with each one's key columns besides the case dimensions.
    /// </summary>
    private static readonly Dictionary<string, string[]> CollapseKeys = new(StringComparer.Ordinal)
    {
        ["daily"] = [],
        ["daily_calibration"] = ["confidence_bin"],
        ["daily_open"] = ["scored_at_us"],
        ["daily_qa"] = ["vendor"],
        ["daily_root_causes"] = ["root_cause_code"],
    };

    /// <summary>The daily rollups of QA audits: a vendor filter also keeps only the audits of its vendors' reviews.</summary>
    private static readonly string[] AuditTables = ["daily_qa", "daily_audits"];

    private static readonly string[] RollupTables = ["cases", "case_audits", .. AggregateTables, "data_quality"];

    /// <summary>
    /// Whether metrics may read the rollup snapshot when it is fresh (default true). Raw views are used when it is false,
    /// when no rollup exists, or when any source file changed since the rollup was built.
    /// </summary>
    public bool UseRollups { get; set; } = true;

    /// <summary>True when the last metrics call read the rollup snapshot instead of the raw views.</summary>
    public bool LastScopeFromRollup { get; private set; }

    /// <summary>
    /// True when the last <see cref="GetMetrics"/> read only the published daily rollups (no per-case rows): a fresh
    /// rollup exists and no vendor filter is set (vendors are not a rollup dimension).
    /// </summary>
    public bool LastMetricsFromDailyRollup { get; private set; }

    /// <summary>
    /// Materialises the rollups (<c>rollups/*.sql</c>) with DuckDB <c>COPY</c> into a new version folder under
    /// <c>&lt;lake&gt;/_rollups/</c> and publishes it atomically: the folder is renamed into place, then the
    /// <c>CURRENT</c> pointer is replaced by a rename. Readers see the old version or the new one, never a half state.
    /// </summary>
    /// <returns>The published version folder.</returns>
    public string BuildRollups(DateTimeOffset builtAt)
    {
        lock (_gate)
        {
            EnsureViews();
            // The source state is taken before reading, so a file landing during the build makes the result stale, not wrong.
            var state = SourceState();
            var root = Path.Combine(LakeRoot, RollupFolder);
            var version = $"v{builtAt.UtcTicks}-{Guid.NewGuid():N}";
            var staging = Path.Combine(root, $".staging-{version}");
            Directory.CreateDirectory(staging);
            try
            {
                // The case-grain snapshot first; the daily aggregates are then computed from it (one pass over raw data).
                // No output here needs insertion order; dropping it lets DuckDB stream big copies instead of buffering them.
                Execute("set preserve_insertion_order = false");
                var cases = Path.Combine(staging, "cases.parquet");
                var audits = Path.Combine(staging, "case_audits.parquet");
                try
                {
                    Execute($"copy ({SqlScripts.Get("rollup_cases")}) to '{Quote(cases)}' (format parquet, compression zstd)");
                    Execute($"create or replace temp view scope as select * from read_parquet('{Quote(cases)}')");
                    Execute($"copy ({SqlScripts.Get("rollup_case_audits")}) to '{Quote(audits)}' (format parquet, compression zstd)");
                    Execute($"create or replace temp view scope_audits as select * from read_parquet('{Quote(audits)}')");
                    foreach (var table in AggregateTables)
                    {
                        Execute($"copy ({SqlScripts.Get($"rollup_{table}")}) to '{Quote(Path.Combine(staging, table + ".parquet"))}' (format parquet, compression zstd)");
                    }

                    Execute($"copy ({SqlScripts.Get("data_quality")}) to '{Quote(Path.Combine(staging, "data_quality.parquet"))}' (format parquet)");
                }
                finally
                {
                    Execute("drop view if exists scope; drop view if exists scope_audits; reset preserve_insertion_order");
                }

                var metadata = new RollupMetadata(version, builtAt.ToUniversalTime(), state.Files, state.MaxWriteTicks, state.TotalBytes);
                File.WriteAllText(Path.Combine(staging, "rollup.json"), JsonSerializer.Serialize(metadata, WarehouseJson.Options));
                var target = Path.Combine(root, version);
                Directory.Move(staging, target);
                var pointer = Path.Combine(root, "CURRENT");
                var temp = Path.Combine(root, $".CURRENT-{version}");
                File.WriteAllText(temp, JsonSerializer.Serialize(metadata, WarehouseJson.Options));
                File.Move(temp, pointer, overwrite: true);
                RemoveOldVersions(root, keep: version);
                return target;
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
        }
    }

    /// <summary>The published rollup folder when it was built from exactly the current source files; else null.</summary>
    public string? FreshRollup()
    {
        var pointer = Path.Combine(LakeRoot, RollupFolder, "CURRENT");
        if (!File.Exists(pointer))
        {
            return null;
        }

        RollupMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<RollupMetadata>(File.ReadAllText(pointer), WarehouseJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }

        var folder = metadata is null ? null : Path.Combine(LakeRoot, RollupFolder, metadata.Version);
        if (folder is null || !RollupTables.All(t => File.Exists(Path.Combine(folder, t + ".parquet"))))
        {
            return null;
        }

        var state = SourceState();
        return state.Files == metadata!.SourceFiles && state.MaxWriteTicks == metadata.SourceMaxWriteTicks && state.TotalBytes == metadata.SourceTotalBytes
            ? folder
            : null;
    }

    /// <summary>Count, newest write time and total size of every source file (record kinds and batch manifests).</summary>
    private (long Files, long MaxWriteTicks, long TotalBytes) SourceState()
    {
        long files = 0, maxTicks = 0, bytes = 0;
        // Quarantine counts too: the rollup stores the data-quality figures, quarantined records among them.
        foreach (var folder in SourceFolders.Append("_manifests"))
        {
            var path = Path.Combine(LakeRoot, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                files++;
                bytes += file.Length;
                maxTicks = Math.Max(maxTicks, file.LastWriteTimeUtc.Ticks);
            }
        }

        return (files, maxTicks, bytes);
    }

    private static void RemoveOldVersions(string root, string keep)
    {
        // The newest older version stays one round, for readers that resolved CURRENT just before the swap.
        var old = Directory.EnumerateDirectories(root, "v*")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name != keep)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var name in old.Take(Math.Max(0, old.Count - 1)))
        {
            try
            {
                Directory.Delete(Path.Combine(root, name), recursive: true);
            }
            catch (IOException)
            {
                // Still open by a reader: removed on a later run.
            }
        }
    }

    /// <summary>What a rollup version was built from.</summary>
    internal sealed record RollupMetadata(string Version, DateTimeOffset BuiltAt, long SourceFiles, long SourceMaxWriteTicks, long SourceTotalBytes);
}
