using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Jobs;

/// <summary>What one landing scan did.</summary>
/// <param name="Processed">Files ingested (including no-op re-deliveries), then deleted or moved to <c>processed/</c>.</param>
/// <param name="Failed">Unreadable files moved to <c>failed/</c> with a <c>.reason.txt</c>.</param>
/// <param name="Results">The ingest result of each processed file.</param>
public sealed record LandingScanResult(int Processed, int Failed, IReadOnlyList<IngestResult> Results);

/// <summary>
/// Lands every file dropped into the landing folder (<see cref="EtlOptions.LandingFolder"/>), then deletes it (or keeps it
/// <see cref="EtlOptions.ProcessedRetentionDays"/> days in <c>landing/processed/</c>), or moves it to <c>landing/failed/</c>
/// with a <c>&lt;file&gt;.reason.txt</c> when it cannot be read, kept <see cref="EtlOptions.FailedRetentionDays"/> days. A
/// landed file holds user ids in clear: outside the lake, nothing keeps it longer than configured.
/// Files whose name starts with <c>.</c> or <c>_</c> or ends in <c>.tmp</c>/<c>.part</c> are still being written and are skipped:
/// upload under such a name, then rename.
/// </summary>
public sealed class LandingScanJob
{
    private readonly IngestPipeline _pipeline;
    private readonly EtlOptions _options;
    private readonly ILogger<LandingScanJob> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the job.</summary>
    public LandingScanJob(IngestPipeline pipeline, IOptions<EtlOptions> options, ILogger<LandingScanJob> logger, TimeProvider? time = null)
    {
        _pipeline = pipeline;
        _options = options.Value;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The landing folder this job scans.</summary>
    public string LandingFolder => _options.ResolveLandingFolder(_pipeline.LakeRoot);

    /// <summary>Scans the landing folder once.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 30 * 60)]
    public async Task<LandingScanResult> RunAsync(CancellationToken cancellationToken)
    {
        await _pipeline.RecoverAsync(cancellationToken);
        var landing = LandingFolder;
        Directory.CreateDirectory(landing);
        var processed = Path.Combine(landing, "processed");
        var failed = Path.Combine(landing, "failed");
        var results = new List<IngestResult>();
        var failures = 0;
        var files = Directory.EnumerateFiles(landing)
            .Where(IsReady)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IngestResult result;
            try
            {
                result = await _pipeline.IngestFileAsync(file, null, cancellationToken);
            }
            catch (UnreadableInputException ex)
            {
                failures++;
                Directory.CreateDirectory(failed);
                var target = FreeName(failed, Path.GetFileName(file), null);
                File.Move(file, target);
                await File.WriteAllTextAsync(target + ".reason.txt", ex.Message + Environment.NewLine, cancellationToken);
                Stamp(target);
                Stamp(target + ".reason.txt");
                _logger.LogWarning("Landing file {File} cannot be read and was moved to {Target}: {Reason}", file, target, ex.Message);
                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not the file's fault (a busy batch, a full disk...): leave it where it is for the next scan.
                _logger.LogError(ex, "Landing file {File} could not be ingested now; it stays for the next scan", file);
                continue;
            }

            results.Add(result);
            if (_options.ProcessedRetentionDays == 0)
            {
                File.Delete(file);
                continue;
            }

            Directory.CreateDirectory(processed);
            var kept = FreeName(processed, Path.GetFileName(file), result.BatchId);
            File.Move(file, kept);
            Stamp(kept);
        }

        Purge(processed, _options.ProcessedRetentionDays);
        Purge(failed, _options.FailedRetentionDays);
        return new LandingScanResult(results.Count, failures, results);
    }

    // The retention clock starts when the file is moved aside, not when its sender wrote it.
    private void Stamp(string path) => File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);

    private void Purge(string folder, int days)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var cutoff = _time.GetUtcNow().UtcDateTime.AddDays(-days);
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            try
            {
                if (days == 0 || File.GetLastWriteTimeUtc(path) <= cutoff)
                {
                    File.Delete(path);
                }
            }
            catch (IOException ex)
            {
                _logger.LogWarning("Landing file {File} is past its retention but could not be deleted now: {Error}", path, ex.Message);
            }
        }
    }

    private static bool IsReady(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.') && !name.StartsWith('_')
            && !name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)
            && !name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase);
    }

    // A file of the same name delivered again (new content) must not overwrite the one kept before.
    private static string FreeName(string folder, string name, string? batchId)
    {
        var target = Path.Combine(folder, name);
        if (!File.Exists(target))
        {
            return target;
        }

        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 1; ; n++)
        {
            var candidate = Path.Combine(folder, $"{stem}.{batchId ?? "failed"}{(n > 1 ? "-" + n : string.Empty)}{extension}");
            if (!File.Exists(candidate))
            {
                return candidate;
            }
        }
    }
}
