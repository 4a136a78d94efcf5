using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using RiskOps.Sql;

namespace RiskOps.Cli.Commands;

/// <summary>
/// How the reading commands (metrics, thresholds, clusters, experiments) get their figures (contract v2 §3): fold the
/// batches published since the rollup first, then read exactly that rollup version; or, with <c>--raw</c>, compute from
/// the lake's views (the reference). Every <c>--json</c> answer then carries <c>lake_version</c>,
/// <c>rollup_version</c> and <c>data_through</c>.
/// </summary>
internal static class ReadModel
{
    public static Option<bool> Raw() => new("--raw") { Description = "Compute from the lake's views instead of the rollup (the reference; rollup_version null)" };

    /// <summary>
    /// Opens the warehouse over <paramref name="lake"/> ready to read: with <paramref name="raw"/> on the views; otherwise
    /// after folding pending batches, pinned to the published version. A lake the CLI cannot write (read-only mount)
    /// cannot be folded: it is then read raw (the same figures), and stderr says so.
    /// </summary>
    public static Warehouse Open(string lake, bool raw, TimeProvider time)
    {
        var warehouse = Warehouse.Open(MetricsCommand.ExistingLake(lake));
        if (raw)
        {
            warehouse.UseRollups = false;
            return warehouse;
        }

        try
        {
            warehouse.Fold(time.GetUtcNow());
            // Read the version just folded even if another batch lands meanwhile (its figures and versions then agree).
            warehouse.ServePublishedRollup = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: could not fold the pending batches into a rollup ({ex.Message.Split('\n')[0].Trim()}); computed from the lake's views instead");
            warehouse.UseRollups = false;
        }

        return warehouse;
    }

    /// <summary>
    /// The answer as one JSON object whose first keys are <c>lake_version</c>, <c>rollup_version</c> (the lake version of
    /// the rollup the figures were read from; null when computed from the views) and <c>data_through</c> (the publish
    /// time of the latest batch the figures include).
    /// </summary>
    public static string Json<T>(Warehouse warehouse, T report)
    {
        var lake = ManifestLog.State(warehouse.LakeRoot);
        var rollupVersion = warehouse.LastRollupLakeVersion;
        var versioned = new JsonObject
        {
            ["lake_version"] = lake.Version,
            ["rollup_version"] = rollupVersion,
            ["data_through"] = lake.DataThrough(rollupVersion) is { } through ? JsonValue.Create(through.ToUniversalTime()) : null,
        };
        if (JsonSerializer.SerializeToNode(report, WarehouseJson.Options) is JsonObject body)
        {
            foreach (var (key, value) in body.ToList())
            {
                body.Remove(key);
                versioned[key] = value;
            }
        }

        return versioned.ToJsonString(WarehouseJson.Options) + "\n";
    }
}
