using System.Text.Json;
using System.Text.Json.Serialization;

namespace RiskOps.Reports.Alerts;

/// <summary>One message about a breach: <c>fired</c> when it opens, <c>resolved</c> when it clears.</summary>
/// <param name="MessageId">Unique per message (<c>breach id:fired</c> or <c>breach id:resolved</c>): a receiver can drop a repeat.</param>
/// <param name="BreachId">The breach (rule, subject and when it opened).</param>
/// <param name="RuleId">The rule.</param>
/// <param name="Kind">The rule's kind.</param>
/// <param name="Subject">What breached.</param>
/// <param name="Status"><c>fired</c> or <c>resolved</c>.</param>
/// <param name="Summary">The breach's line (for a resolved message, the line it fired with).</param>
/// <param name="Value">The figure, when there is one.</param>
/// <param name="Limit">The limit, when there is one.</param>
/// <param name="At">When the evaluation found it.</param>
public sealed record AlertMessage(
    string MessageId, string BreachId, string RuleId, string Kind, string Subject, string Status, string Summary, double? Value, double? Limit, DateTimeOffset At);

/// <summary>A breach that is open now.</summary>
public sealed record OpenBreach(string BreachId, string RuleId, string Kind, string Subject, string Summary, DateTimeOffset OpenedAt);

/// <summary>A message still to be delivered on one channel (retried by later runs).</summary>
/// <param name="Channel"><c>email</c> or <c>webhook</c>.</param>
/// <param name="Target">The webhook URL, or the recipients joined with <c>,</c>.</param>
public sealed record PendingDelivery(AlertMessage Message, string Channel, string Target, int Attempts, DateTimeOffset NextAttemptAt);

/// <summary>One line of the alert history (<c>_alerts/history.jsonl</c>).</summary>
/// <param name="Event"><c>fired</c>, <c>resolved</c>, <c>delivered</c>, <c>delivery_failed</c> or <c>evaluation_failed</c>.</param>
public sealed record AlertHistoryEntry(
    DateTimeOffset Time, string Event, string RuleId, string? Subject = null, string? BreachId = null, string? Summary = null,
    string? Channel = null, string? Target = null, int? Attempt = null, string? Error = null);

/// <summary>The persisted state: open breaches and the delivery outbox.</summary>
public sealed class AlertState
{
    /// <summary>Breaches open now (one per rule and subject).</summary>
    public List<OpenBreach> Open { get; set; } = [];

    /// <summary>Messages not delivered yet.</summary>
    public List<PendingDelivery> Outbox { get; set; } = [];
}

/// <summary>
/// The alerts' derived area <c>&lt;lake&gt;/_alerts/</c>: <c>state.json</c> (open breaches, outbox; replaced atomically, so it
/// survives restarts and is shared by every web and worker process on the lake's volume), <c>history.jsonl</c>
/// (append-only) and <c>rules.json</c> (rules saved by an admin; absent until then).
/// </summary>
public sealed class AlertStore
{
    /// <summary>Folder name under the lake root.</summary>
    public const string FolderName = "_alerts";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Opens the store of the lake at <paramref name="lakeRoot"/>.</summary>
    public AlertStore(string lakeRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lakeRoot);
        LakeRoot = Path.GetFullPath(lakeRoot);
        Root = Path.Combine(LakeRoot, FolderName);
    }

    /// <summary>The lake.</summary>
    public string LakeRoot { get; }

    /// <summary>The folder.</summary>
    public string Root { get; }

    /// <summary>The rules file an admin's edits are saved to.</summary>
    public string RulesPath => Path.Combine(Root, "rules.json");

    private string StatePath => Path.Combine(Root, "state.json");

    /// <summary>The append-only history file (read newest first by the Alert history page).</summary>
    public string HistoryPath => Path.Combine(Root, "history.jsonl");

    /// <summary>One history line as written by <see cref="Append"/>.</summary>
    public static AlertHistoryEntry? ParseHistoryLine(string line) => JsonSerializer.Deserialize<AlertHistoryEntry>(line, Json);

    /// <summary>The state (empty when none was saved).</summary>
    public AlertState ReadState() =>
        File.Exists(StatePath) ? JsonSerializer.Deserialize<AlertState>(File.ReadAllText(StatePath), Json) ?? new AlertState() : new AlertState();

    /// <summary>Replaces the state atomically.</summary>
    public void WriteState(AlertState state) => WriteAtomic(StatePath, JsonSerializer.Serialize(state, Json));

    /// <summary>The rules saved on the Alerts page, or null when none were (configuration's rules apply).</summary>
    public List<AlertRule>? ReadRules() =>
        File.Exists(RulesPath) ? JsonSerializer.Deserialize<List<AlertRule>>(File.ReadAllText(RulesPath), Json) : null;

    /// <summary>Saves rules (validated by the caller).</summary>
    public void WriteRules(IReadOnlyList<AlertRule> rules) => WriteAtomic(RulesPath, JsonSerializer.Serialize(rules, new JsonSerializerOptions(Json) { WriteIndented = true }));

    /// <summary>Appends lines to the history.</summary>
    public void Append(IEnumerable<AlertHistoryEntry> entries)
    {
        var text = string.Concat(entries.Select(e => JsonSerializer.Serialize(e, Json) + "\n"));
        if (text.Length == 0)
        {
            return;
        }

        Directory.CreateDirectory(Root);
        using var stream = new FileStream(HistoryPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The history, oldest first.</summary>
    public IReadOnlyList<AlertHistoryEntry> History()
    {
        if (!File.Exists(HistoryPath))
        {
            return [];
        }

        using var stream = new FileStream(HistoryPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var entries = new List<AlertHistoryEntry>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                entries.Add(JsonSerializer.Deserialize<AlertHistoryEntry>(line, Json)!);
            }
        }

        return entries;
    }

    private void WriteAtomic(string path, string text)
    {
        Directory.CreateDirectory(Root);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
