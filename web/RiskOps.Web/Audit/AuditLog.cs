using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskOps.Web.Audit;

/// <summary>
/// One audited action: who did what, when. It never holds data — no figure, no record, no case id, no clear user id:
/// <see cref="Target"/> names the thing acted on (a rule id, a page's table, an archived file), <see cref="Detail"/> the
/// scope (the dashboard's canonical filter query) or a count.
/// </summary>
/// <param name="Time">When (UTC).</param>
/// <param name="Actor">The dashboard user name (or <c>cli</c>, a job's name) that acted.</param>
/// <param name="Action">What, one of <see cref="AuditActions"/> (dotted, e.g. <c>alert_rule.save</c>).</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Detail">The scope or a short outcome; never a record's value.</param>
public sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Target, string? Detail = null);

/// <summary>The actions the product records. Other code may record its own dotted names (see docs/operations.md, "Audit log").</summary>
public static class AuditActions
{
    /// <summary>An alert rule added or changed on the Alerts page.</summary>
    public const string AlertRuleSave = "alert_rule.save";

    /// <summary>An alert rule deleted.</summary>
    public const string AlertRuleDelete = "alert_rule.delete";

    /// <summary>An alert rule enabled or disabled.</summary>
    public const string AlertRuleToggle = "alert_rule.toggle";

    /// <summary>A calibration pack generated on the Reports page ("generate now").</summary>
    public const string ReportGenerate = "report.generate";

    /// <summary>A CSV file downloaded (any page's table, the work list, the alert history).</summary>
    public const string ExportCsv = "export.csv";

    /// <summary>A PDF downloaded (an archived pack).</summary>
    public const string ExportPdf = "export.pdf";

    /// <summary>A user's rows erased (the record names no user id).</summary>
    public const string Erase = "data.erase";

    /// <summary>Quarantined records replayed.</summary>
    public const string Replay = "data.replay";
}

/// <summary>The audit log of admin actions and exports: append-only, read newest first.</summary>
public interface IAuditLog
{
    /// <summary>Appends one entry (one line, written in a single append). Throws when the log cannot be written.</summary>
    void Record(AuditEntry entry);

    /// <summary>Entries newest first, after skipping <paramref name="skip"/> (bounded by <see cref="JsonLines.MaxSkip"/>).</summary>
    IReadOnlyList<AuditEntry> Newest(int skip, int take);

    /// <summary>How many entries the log holds.</summary>
    long Count();
}

/// <summary>
/// <see cref="IAuditLog"/> on <c>&lt;lake&gt;/_audit/audit.jsonl</c>: a derived folder beside <c>_alerts</c> and <c>_rollups</c>,
/// outside every raw glob. Each entry is one UTF-8 line written by a single <c>O_APPEND</c> write and flushed to disk
/// before <see cref="Record"/> returns, so concurrent web and worker processes interleave whole lines and a crash
/// loses at most the line being written (a reader skips a line without its newline).
/// </summary>
public sealed class FileAuditLog : IAuditLog
{
    /// <summary>Folder name under the lake root.</summary>
    public const string FolderName = "_audit";

    /// <summary>The longest a target or detail is kept (longer values are cut: the log is no place for payloads).</summary>
    public const int MaxFieldLength = 512;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();

    /// <summary>Opens the log of the lake at <paramref name="lakeRoot"/>.</summary>
    public FileAuditLog(string lakeRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lakeRoot);
        Path = System.IO.Path.Combine(System.IO.Path.GetFullPath(lakeRoot), FolderName, "audit.jsonl");
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Record(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = JsonSerializer.Serialize(entry with
        {
            Time = entry.Time.ToUniversalTime(),
            Actor = Cut(entry.Actor) ?? "",
            Target = Cut(entry.Target) ?? "",
            Detail = Cut(entry.Detail),
        }, Json) + "\n";
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            // .NET's FileMode.Append seeks to the end once at open (no O_APPEND), so two processes could write over each
            // other's line. An exclusively opened lock file beside the log serialises writers across processes;
            // readers never take it.
            using var gate = AcquireFileLock();
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    private FileStream AcquireFileLock()
    {
        var lockPath = Path + ".lock";
        var deadline = Environment.TickCount64 + 10_000;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(2);
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<AuditEntry> Newest(int skip, int take) =>
        JsonLines.NewestFirst(Path, skip, take).Select(Parse).ToList();

    /// <inheritdoc />
    public long Count() => JsonLines.Count(Path);

    private static AuditEntry Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditEntry>(line, Json) ?? Unreadable();
        }
        catch (JsonException)
        {
            // A hand-edited or torn line is shown as such, not as a page error.
            return Unreadable();
        }

        static AuditEntry Unreadable() => new(DateTimeOffset.MinValue, "?", "unreadable_line", "");
    }

    private static string? Cut(string? value) =>
        value is null ? null : value.Length <= MaxFieldLength ? value : value[..MaxFieldLength] + "…";
}

/// <summary>Helpers for recording from a request.</summary>
public static class AuditLogExtensions
{
    /// <summary>Records <paramref name="action"/> on <paramref name="target"/> by the signed-in user, now.</summary>
    public static void Record(this IAuditLog log, ClaimsPrincipal user, TimeProvider time, string action, string target, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(time);
        log.Record(new AuditEntry(time.GetUtcNow(), user?.Identity?.Name ?? "anonymous", action, target, detail));
    }
}
