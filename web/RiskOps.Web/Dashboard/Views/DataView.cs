using System.Reflection;
using Hangfire;
using Hangfire.Storage;
using RiskOps.Sql;
using RiskOps.Web.Health;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Data: lake freshness per kind, partitions, row counts, quarantine with reasons, last job runs.</summary>
internal static class DataView
{
    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var data = request.Data;
        var unreadable = request.Services.GetService<LakeFileCheck>()?.Scan() ?? [];
        var sections = new List<Section>();
        if (unreadable.Count > 0)
        {
            sections.Add(new Section("Unreadable files")
            {
                Note = "These lake files cannot be read (truncated or damaged). Figures that need them are not shown until an operator restores or removes them.",
                Tables = [new TableModel("unreadable_files", "Unreadable files", ["file", "problem"], unreadable.Select(f => (IReadOnlyList<Cell>)[f.File, f.Reason]).ToList())],
            });
        }

        return new PageView(
            "data",
            "Data",
            $"Lake {data.LakeRoot}. Row counts include history (every valid record as received); the other pages use the latest record per key.",
            [
                .. sections,
                new Section("Lake freshness") { Tables = [FromQuery("lake", "Kinds", Try(data, "lake_status"))] },
                new Section("Quarantine")
                {
                    Note = "Records that broke the contract, with their source and line; they never reach the figures.",
                    Tables =
                    [
                        FromQuery("quarantine_reasons", "By reason", Try(data, "quarantine_reasons")) with { Empty = "Nothing in quarantine." },
                        FromQuery("quarantine_recent", "Latest quarantined records", Try(data, "quarantine_recent")) with { Empty = "Nothing in quarantine." },
                    ],
                },
                new Section("Jobs") { Tables = JobTables(request.Services.GetService<JobStorage>()) },
            ]);
    }

    /// <summary>The script's answer, or for an unreadable lake file one row naming it, so the rest of the page still shows.</summary>
    private static QueryResult Try(DashboardData data, string script)
    {
        try
        {
            return data.Query(Script(script));
        }
        catch (Exception ex) when (LakeFaults.UnreadableFile(ex, data.LakeRoot) is { } file)
        {
            return new QueryResult(["unreadable_file"], [[file]]);
        }
    }

    private static TableModel FromQuery(string id, string title, QueryResult result) =>
        new(id, title, result.Columns, result.Rows.Select(r => (IReadOnlyList<Cell>)r.Select(v => new Cell(Format.Value(v))).ToList()).ToList());

    private static IReadOnlyList<TableModel> JobTables(JobStorage? storage)
    {
        if (storage is null)
        {
            return [];
        }

        using var connection = storage.GetConnection();
        var recurring = connection.GetRecurringJobs()
            .OrderBy(j => j.Id, StringComparer.Ordinal)
            .Select(j => (IReadOnlyList<Cell>)
            [
                j.Id, j.Cron ?? Format.None, j.Queue ?? Format.None, Format.Instant(Utc(j.LastExecution)), j.LastJobState ?? Format.None,
                Format.Instant(Utc(j.NextExecution)), j.Error ?? "",
            ]).ToList();
        var monitoring = storage.GetMonitoringApi();
        var succeeded = monitoring.SucceededJobs(0, 10).Select(p => (IReadOnlyList<Cell>)
        [
            p.Key, JobName(p.Value.Job), "Succeeded", Format.Instant(Utc(p.Value.SucceededAt)), p.Value.TotalDuration is { } ms ? $"{ms / 1000.0:0.0} s" : Format.None, "",
        ]);
        var failed = monitoring.FailedJobs(0, 10).Select(p => (IReadOnlyList<Cell>)
        [
            p.Key, JobName(p.Value.Job), "Failed", Format.Instant(Utc(p.Value.FailedAt)), Format.None, p.Value.ExceptionMessage ?? "",
        ]);
        return
        [
            new TableModel("recurring_jobs", "Recurring jobs", ["id", "cron", "queue", "last_run", "last_state", "next_run", "error"], recurring) { Empty = "No recurring jobs registered." },
            new TableModel("job_runs", "Last job runs", ["job_id", "job", "state", "at", "duration", "error"], [.. succeeded, .. failed]) { Empty = "No job has run yet." },
        ];
    }

    private static string JobName(Hangfire.Common.Job? job) => job is null ? Format.None : $"{job.Type.Name}.{job.Method.Name}";

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static string Script(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"RiskOps.Web.Sql.{name}.sql")
            ?? throw new InvalidOperationException($"unknown dashboard SQL script '{name}'");
        using var reader = new StreamReader(stream);

        // The files open with a comment for readers; Warehouse.Query wants the statement itself first.
        return string.Join('\n', reader.ReadToEnd().Split('\n').SkipWhile(l => l.TrimStart().StartsWith("--", StringComparison.Ordinal)));
    }
}
