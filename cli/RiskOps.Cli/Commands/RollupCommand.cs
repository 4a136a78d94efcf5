using System.CommandLine;
using System.Globalization;
using RiskOps.Sql;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops rollup --lake DIR [--rebuild]</c> (contract v2 §3): folds every batch published since the current rollup
/// into a new rollup version — the recurring job's work — and prints the version; <c>--rebuild</c> builds it from the
/// whole lake. Nothing pending: the published version is printed and nothing is written.
/// </summary>
internal static class RollupCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var rebuild = new Option<bool>("--rebuild") { Description = "Build the rollup from the whole lake, even when nothing is pending" };
        var json = CommonOptions.Json();
        var command = new Command("rollup", "Fold the batches landed since the published rollup into a new rollup version and print it");
        command.Options.Add(lake);
        command.Options.Add(rebuild);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            using var warehouse = Warehouse.Open(MetricsCommand.ExistingLake(parseResult.GetValue(lake)!));
            var pending = warehouse.Freshness().PendingBatches;
            var (rollup, built) = warehouse.Fold(TimeProvider.System.GetUtcNow(), parseResult.GetValue(rebuild));
            if (parseResult.GetValue(json))
            {
                Console.Out.Write(WarehouseJson.Serialize(new
                {
                    LakeVersion = ManifestLog.State(warehouse.LakeRoot).Version,
                    RollupVersion = rollup.LakeVersion,
                    DataThrough = rollup.DataThrough,
                    Built = built,
                    FoldedBatches = built ? pending : 0,
                    Fold = warehouse.LastFold.ToString().ToLowerInvariant(),
                    RebuildReason = warehouse.LastRebuildReason,
                    FoldedCases = warehouse.LastFoldCases,
                    FoldedDays = warehouse.LastFoldDays,
                    Folder = rollup.Folder,
                }) + "\n");
                return 0;
            }

            var through = rollup.DataThrough is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
            var how = warehouse.LastFold == FoldKind.Incremental
                ? $"incremental: {warehouse.LastFoldCases:N0} case{(warehouse.LastFoldCases == 1 ? "" : "s")} on {warehouse.LastFoldDays:N0} day{(warehouse.LastFoldDays == 1 ? "" : "s")} recomputed"
                : $"rebuilt: {warehouse.LastRebuildReason}";
            Console.Out.Write(built
                ? $"rollup version {rollup.LakeVersion} published ({pending} batch{(pending == 1 ? "" : "es")} folded, {how}; data through {through})\n"
                : $"rollup version {rollup.LakeVersion} is current (nothing pending; data through {through})\n");
            return 0;
        });
        return command;
    }
}
