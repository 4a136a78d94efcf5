using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RiskOps.Reports.Delivery;

/// <summary>An archived pack.</summary>
/// <param name="Id">Stable id: <c>&lt;subscription&gt;/&lt;week&gt;/&lt;file&gt;</c> (used in download links).</param>
/// <param name="Subscription">Subscription name (or <c>on-demand</c>).</param>
/// <param name="Week">ISO week.</param>
/// <param name="FileName">PDF file name.</param>
/// <param name="WrittenAt">Last write time (UTC).</param>
/// <param name="SizeBytes">File size.</param>
/// <param name="Sent">A delivery of this subscription and week was sent (its <c>sent.marker</c> exists).</param>
public sealed record ArchivedReport(string Id, string Subscription, string Week, string FileName, DateTimeOffset WrittenAt, long SizeBytes, bool Sent);

/// <summary>A pack archived for sending whose email has not gone out yet (kept so a retry mails exactly what was archived).</summary>
/// <param name="Pdf">The archived PDF.</param>
/// <param name="Title">Pack title (email subject).</param>
/// <param name="SummaryHtml">HTML email body.</param>
/// <param name="SummaryText">Plain-text email body.</param>
public sealed record PendingPack(byte[] Pdf, string Title, string SummaryHtml, string SummaryText);

/// <summary>One delivery attempt, one line of <c>_reports/deliveries.jsonl</c>.</summary>
/// <param name="Time">When the attempt ended.</param>
/// <param name="Subscription">Subscription name.</param>
/// <param name="Week">The week reported.</param>
/// <param name="Recipients">Addresses.</param>
/// <param name="Outcome"><c>sent</c>, <c>archived</c> (no SMTP configured or no recipient), <c>skipped_already_sent</c>,
/// <c>skipped_in_progress</c>, <c>skipped_empty</c> or <c>failed</c>.</param>
/// <param name="Error">The error of a failed attempt.</param>
/// <param name="ArchiveId">The archived PDF (an <see cref="ArchivedReport.Id"/>), when one was written.</param>
/// <param name="Sha256">SHA-256 of the archived/sent PDF.</param>
/// <param name="MessageId">SMTP Message-Id of a sent email.</param>
public sealed record DeliveryRecord(
    DateTimeOffset Time,
    string Subscription,
    string Week,
    IReadOnlyList<string> Recipients,
    string Outcome,
    string? Error = null,
    string? ArchiveId = null,
    string? Sha256 = null,
    string? MessageId = null);

/// <summary>
/// The report archive under <c>&lt;lake&gt;/_reports/</c>: one folder per subscription and week holding the PDF as
/// sent, the <c>sent.marker</c> claim and the send lock, plus the delivery log <c>deliveries.jsonl</c>.
/// </summary>
public sealed partial class ReportArchive
{
    /// <summary>Folder name under the lake root.</summary>
    public const string FolderName = "_reports";

    /// <summary>The subscription name used for packs generated on demand (web "generate now").</summary>
    public const string OnDemand = "on-demand";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>Opens the archive of the lake at <paramref name="lakeRoot"/> (<c>&lt;lake&gt;/_reports</c>, or <paramref name="archiveRoot"/> when given).</summary>
    public ReportArchive(string lakeRoot, string? archiveRoot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lakeRoot);
        LakeRoot = Path.GetFullPath(lakeRoot);
        Root = Path.GetFullPath(archiveRoot ?? Path.Combine(LakeRoot, FolderName));
    }

    /// <summary>The lake the archive belongs to.</summary>
    public string LakeRoot { get; }

    /// <summary>The archive folder.</summary>
    public string Root { get; }

    /// <summary>The delivery log file.</summary>
    public string DeliveryLogPath => Path.Combine(Root, "deliveries.jsonl");

    /// <summary>The folder of one subscription and week.</summary>
    public string Folder(string subscription, string week) => Path.Combine(Root, CheckName(subscription), CheckName(week));

    /// <summary>The claim written once the pack of a subscription and week was sent.</summary>
    public string SentMarker(string subscription, string week) => Path.Combine(Folder(subscription, week), "sent.marker");

    /// <summary>The archived PDF name of a subscription and week.</summary>
    public static string PackFileName(string subscription, string week) => $"calibration-pack-{week}-{subscription}.pdf";

    /// <summary>
    /// Checks in milliseconds that a pack could be archived (the folder can be created and written), so a caller on a
    /// read-only lake says so at once instead of after rendering.
    /// </summary>
    /// <exception cref="ArchiveNotWritableException">The archive folder cannot be written.</exception>
    public void EnsureWritable()
    {
        try
        {
            Directory.CreateDirectory(Root);
            var probe = Path.Combine(Root, $".write-probe-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveNotWritableException($"the report archive {Root} cannot be written ({ex.Message}); is the lake read-only?", ex);
        }
    }

    /// <summary>Writes a PDF atomically (temp file, then rename) and returns its archive id.</summary>
    public string Write(string subscription, string week, string fileName, byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var folder = Folder(subscription, week);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, CheckName(fileName));
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, pdf);
        File.Move(temp, path, overwrite: true);
        return $"{subscription}/{week}/{fileName}";
    }

    /// <summary>Keeps the email parts next to the archived PDF until it is sent.</summary>
    public void WritePending(string subscription, string week, PendingPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var path = Path.Combine(Folder(subscription, week), "pending-email.json");
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new { title = pack.Title, html = pack.SummaryHtml, text = pack.SummaryText }, _json));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Drops the kept email parts once the pack was sent.</summary>
    public void DeletePending(string subscription, string week) =>
        File.Delete(Path.Combine(Folder(subscription, week), "pending-email.json"));

    /// <summary>The pack a failed attempt archived for sending, or null.</summary>
    public PendingPack? ReadPending(string subscription, string week, string fileName)
    {
        var folder = Folder(subscription, week);
        var pdf = Path.Combine(folder, CheckName(fileName));
        var email = Path.Combine(folder, "pending-email.json");
        if (!File.Exists(pdf) || !File.Exists(email))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(email));
        var root = document.RootElement;
        return new PendingPack(
            File.ReadAllBytes(pdf),
            root.GetProperty("title").GetString() ?? "",
            root.GetProperty("html").GetString() ?? "",
            root.GetProperty("text").GetString() ?? "");
    }

    /// <summary>Every archived PDF, newest week first.</summary>
    public IReadOnlyList<ArchivedReport> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var reports = new List<ArchivedReport>();
        foreach (var subscriptionDir in Directory.EnumerateDirectories(Root))
        {
            foreach (var weekDir in Directory.EnumerateDirectories(subscriptionDir))
            {
                var sent = File.Exists(Path.Combine(weekDir, "sent.marker"));
                foreach (var file in Directory.EnumerateFiles(weekDir, "*.pdf"))
                {
                    var info = new FileInfo(file);
                    var subscription = Path.GetFileName(subscriptionDir);
                    var week = Path.GetFileName(weekDir);
                    reports.Add(new ArchivedReport(
                        $"{subscription}/{week}/{info.Name}", subscription, week, info.Name,
                        new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length, sent));
                }
            }
        }

        return reports
            .OrderByDescending(r => r.Week, StringComparer.Ordinal)
            .ThenBy(r => r.Subscription, StringComparer.Ordinal)
            .ThenByDescending(r => r.FileName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Opens an archived PDF by id; null when there is no such report (ids outside the archive are never opened).</summary>
    public Stream? OpenRead(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var parts = id.Split('/');
        if (parts.Length != 3 || parts.Any(p => !NamePattern().IsMatch(p)) || !parts[2].EndsWith(".pdf", StringComparison.Ordinal))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(Root, parts[0], parts[1], parts[2]));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            return null;
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>Appends one attempt to the delivery log (safe across processes: the append is retried while another holds the file).</summary>
    public void Log(DeliveryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Directory.CreateDirectory(Root);
        var line = JsonSerializer.Serialize(record, _json) + "\n";
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(DeliveryLogPath, FileMode.Append, FileAccess.Write, FileShare.None);
                stream.Write(bytes);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Reads the delivery log (oldest first).</summary>
    public IReadOnlyList<DeliveryRecord> Deliveries()
    {
        if (!File.Exists(DeliveryLogPath))
        {
            return [];
        }

        using var stream = new FileStream(DeliveryLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var records = new List<DeliveryRecord>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                records.Add(JsonSerializer.Deserialize<DeliveryRecord>(line, _json)!);
            }
        }

        return records;
    }

    private static string CheckName(string name)
    {
        if (!NamePattern().IsMatch(name ?? ""))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is not a valid archive name"), nameof(name));
        }

        return name!;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")]
    private static partial Regex NamePattern();
}

/// <summary>The report archive folder cannot be written (a read-only lake or volume).</summary>
public sealed class ArchiveNotWritableException(string message, Exception? inner = null) : IOException(message, inner);
