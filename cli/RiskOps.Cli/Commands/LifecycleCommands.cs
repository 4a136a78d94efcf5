using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;
using RiskOps.Sql;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops quarantine list|replay</c> and <c>riskops erase</c> (docs/operations.md, "Quarantine replay" and "Erasure"):
/// thin wrappers over <see cref="QuarantineReplay"/> and <see cref="Erasure"/>. Bad input is one line and exit 2, with
/// nothing changed; nothing printed ever holds a user id.
/// </summary>
internal static class LifecycleCommands
{
    private const int Shown = 10;

    public static Command CreateQuarantine()
    {
        var command = new Command("quarantine", "Look at the quarantine and replay its records");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateReplay());
        return command;
    }

    private static Command CreateList()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var kind = new Option<string?>("--kind") { Description = "Only this record kind" };
        var batch = new Option<string?>("--batch") { Description = "Only this quarantine batch" };
        var command = new Command("list", "Counts of quarantined records by kind, reason and batch (never their text)");
        command.Options.Add(lake);
        command.Options.Add(json);
        command.Options.Add(kind);
        command.Options.Add(batch);
        command.SetAction(parseResult =>
        {
            var root = ExistingLake(parseResult.GetValue(lake)!);
            var kindText = parseResult.GetValue(kind);
            if (kindText is not null && !RecordKinds.TryParse(kindText, out _))
            {
                throw new CliUsageException($"--kind '{kindText}' is not a record kind (decisions, reviews, labels, qa_audits, sop_coverage)");
            }

            var batchId = NonEmpty(parseResult.GetValue(batch), "--batch");
            var replay = new QuarantineReplay(Options(root), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var summary = replay.List(kindText is null ? null : RecordKinds.TryParse(kindText, out var k) ? k.LakeName() : kindText, batchId, Shown);
            if (batchId is not null && summary.Total == 0)
            {
                throw new CliUsageException($"no quarantined records of batch '{batchId}'");
            }

            if (parseResult.GetValue(json))
            {
                Console.Out.Write(WarehouseJson.Serialize(new
                {
                    LakeVersion = LakeVersionLog.Current(root),
                    summary.Total,
                    summary.Readable,
                    summary.Encrypted,
                    summary.HashOnly,
                    summary.Erased,
                    ByKind = summary.ByKind.Select(c => new { Kind = c.Name, c.Records }),
                    ByReason = summary.ByReason.Select(c => new { Reason = c.Name, c.Records }),
                    summary.ReasonsOther,
                    Batches = summary.Batches.Select(b => new { b.BatchId, b.Kind, b.Source, b.IngestedAt, b.Records, b.Recoverable }),
                    summary.BatchesOther,
                }) + "\n");
                return 0;
            }

            Console.WriteLine($"{summary.Total:N0} quarantined records ({summary.Readable:N0} readable, {summary.Encrypted:N0} encrypted, {summary.HashOnly:N0} hash only, {summary.Erased:N0} erased)");
            foreach (var c in summary.ByKind)
            {
                Console.WriteLine($"  {c.Name}: {c.Records:N0}");
            }

            if (summary.ByReason.Count > 0)
            {
                Console.WriteLine("reasons:");
                foreach (var c in summary.ByReason)
                {
                    Console.WriteLine($"  {c.Records,8:N0}  {Cut(c.Name, 160)}");
                }

                if (summary.ReasonsOther > 0)
                {
                    Console.WriteLine($"  {summary.ReasonsOther,8:N0}  (other reasons)");
                }
            }

            if (summary.Batches.Count > 0)
            {
                Console.WriteLine("batches:");
                foreach (var b in summary.Batches)
                {
                    Console.WriteLine($"  {b.BatchId}  {b.Kind,-12} {b.Records,8:N0} ({b.Recoverable:N0} replayable)  {b.IngestedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}  {Cut(b.Source, 80)}");
                }

                if (summary.BatchesOther > 0)
                {
                    Console.WriteLine($"  … {summary.BatchesOther:N0} more batches (--batch B or --json)");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateReplay()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var batch = new Option<string?>("--batch") { Description = "Replay the records of this quarantine batch" };
        var all = new Option<bool>("--all") { Description = "Replay every quarantined record" };
        var corrections = new Option<string?>("--corrections") { Description = "NDJSON file of corrections: {\"batch_id\": …, \"line\": …, \"set\": {field: value}} per line" };
        var command = new Command("replay", "Re-submit quarantined records through the ingest pipeline; those that land leave the quarantine");
        command.Options.Add(lake);
        command.Options.Add(json);
        command.Options.Add(batch);
        command.Options.Add(all);
        command.Options.Add(corrections);
        command.SetAction(async (parseResult, ct) =>
        {
            var root = ExistingLake(parseResult.GetValue(lake)!);
            var batchId = NonEmpty(parseResult.GetValue(batch), "--batch");
            if ((batchId is null) == !parseResult.GetValue(all))
            {
                throw new CliUsageException("give either --batch B or --all");
            }

            using var loggers = StderrWarnings();
            var replay = new QuarantineReplay(Options(root), TimeProvider.System, loggers.CreateLogger<QuarantineReplay>());
            ReplayResult result;
            try
            {
                result = await replay.ReplayAsync(batchId, parseResult.GetValue(corrections), ct);
            }
            catch (LakeOperationException ex)
            {
                throw new CliUsageException(ex.Message);
            }

            if (parseResult.GetValue(json))
            {
                Console.Out.Write(WarehouseJson.Serialize(new
                {
                    LakeVersion = LakeVersionLog.Current(root),
                    result.Selected,
                    Kinds = result.Kinds.Select(k => new
                    {
                        k.Kind, k.BatchId, k.Replayed, k.Landed, k.Duplicates, k.Erased, k.StillRefused, k.QuarantineRemoved, k.LakeVersion,
                        Reasons = k.Reasons.Select(r => new { Reason = r.Name, r.Records }),
                    }),
                    result.Unrecoverable,
                    UnrecoverableSample = result.UnrecoverableSample.Select(u => new { u.BatchId, u.Line, u.Why }),
                }) + "\n");
                return 0;
            }

            Console.WriteLine($"{result.Selected:N0} quarantined records selected");
            foreach (var k in result.Kinds)
            {
                var version = k.LakeVersion is { } v ? $"; lake version {v} (batch {k.BatchId})" : "; nothing changed";
                Console.WriteLine($"{k.Kind}: {k.Landed:N0} landed, {k.Duplicates:N0} already in the lake, {k.Erased:N0} erased, {k.StillRefused:N0} still refused (kept in quarantine), {k.QuarantineRemoved:N0} left the quarantine{version}");
                foreach (var r in k.Reasons.Take(5))
                {
                    Console.WriteLine($"  {r.Records,8:N0}  {Cut(r.Name, 160)}");
                }
            }

            if (result.Unrecoverable > 0)
            {
                Console.WriteLine($"{result.Unrecoverable:N0} records have no recoverable text and stay in the quarantine:");
                foreach (var u in result.UnrecoverableSample.Take(5))
                {
                    Console.WriteLine($"  batch {u.BatchId} line {u.Line}: {u.Why}");
                }
            }

            return 0;
        });
        return command;
    }

    public static Command CreateErase()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var user = new Option<string>("--user-id") { Description = "The user's id in clear (hashed with Lake:HashKey like at ingest; never stored or printed)", Required = true };
        var landing = new Option<string?>("--landing") { Description = "The landing folder whose processed/ and failed/ files are cleaned (default: Etl:LandingFolder, else <lake>/../landing)" };
        var command = new Command("erase", "Erase a user from the lake, its quarantine and the landing folder's kept files; keep a tombstone");
        command.Options.Add(lake);
        command.Options.Add(json);
        command.Options.Add(user);
        command.Options.Add(landing);
        command.SetAction(async (parseResult, ct) =>
        {
            var root = ExistingLake(parseResult.GetValue(lake)!);
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var etl = new EtlOptions();
            configuration.GetSection(EtlOptions.SectionName).Bind(etl);
            var landingFolder = parseResult.GetValue(landing) is { Length: > 0 } given ? Path.GetFullPath(given) : etl.ResolveLandingFolder(root);
            using var loggers = StderrWarnings();
            var erasure = new Erasure(Options(root), TimeProvider.System, loggers.CreateLogger<Erasure>());
            ErasureResult result;
            try
            {
                result = await erasure.EraseAsync(parseResult.GetValue(user) ?? string.Empty, landingFolder, ct);
            }
            catch (LakeOperationException ex)
            {
                throw new CliUsageException(ex.Message);
            }

            if (parseResult.GetValue(json))
            {
                Console.Out.Write(WarehouseJson.Serialize(new
                {
                    LakeVersion = LakeVersionLog.Current(root),
                    result.ErasureId,
                    ErasedVersion = result.LakeVersion,
                    result.RowsErased,
                    result.FilesRewritten,
                    result.FilesDeleted,
                    result.QuarantineRemoved,
                    result.QuarantineUnsearched,
                    result.LandingFilesCleaned,
                    result.LandingLinesRemoved,
                    result.AlreadyErased,
                }) + "\n");
                return 0;
            }

            Console.WriteLine(result.ErasureId is null
                ? "nothing of the user is left in the lake (erased before); the tombstone stays"
                : $"erasure {result.ErasureId}: {result.RowsErased:N0} rows removed ({result.FilesRewritten} files rewritten, {result.FilesDeleted} deleted), {result.QuarantineRemoved:N0} quarantine rows removed; lake version {result.LakeVersion}");
            Console.WriteLine($"landing folder: {result.LandingLinesRemoved:N0} lines removed from {result.LandingFilesCleaned} kept files");
            if (result.QuarantineUnsearched > 0)
            {
                Console.WriteLine($"warning: {result.QuarantineUnsearched:N0} quarantine rows could not be searched (kept encrypted without Lake:QuarantineKey, or only as a hash); see docs/operations.md, \"Erasure\"");
            }

            return 0;
        });
        return command;
    }

    private static string ExistingLake(string path)
    {
        var full = Path.GetFullPath(path);
        return LakeLayout.Inspect(full) == LakeDirectoryState.Lake
            ? full
            : throw new CliUsageException($"{full} is not a lake (no _manifests/ or kind folders)");
    }

    private static string? NonEmpty(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        return value.Trim().Length > 0 ? value.Trim() : throw new CliUsageException($"{name} is empty");
    }

    private static LakeOptions Options(string root)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = new LakeOptions();
        configuration.GetSection(LakeOptions.SectionName).Bind(options);
        options.Root = root;
        return options;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static ILoggerFactory StderrWarnings() => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Warning)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o => o.SingleLine = true));
}
