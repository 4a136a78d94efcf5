using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Health;

/// <summary>One lake file that cannot be read, and why.</summary>
/// <param name="File">The path relative to the lake root, '/'-separated.</param>
/// <param name="Reason">What is wrong with it.</param>
internal sealed record UnreadableFile(string File, string Reason);

/// <summary>
/// Finds lake Parquet files that no reader can open: too short, no <c>PAR1</c> magic at either end, a footer longer than
/// the file (what a truncated copy or a crash mid-write leaves), or not readable at all. Only the first and last bytes
/// are read, and a file is checked again only when its size or time changes, so a probe of a large lake stays cheap.
/// </summary>
internal sealed class LakeFileCheck(IOptions<LakeOptions> lake)
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("PAR1");
    private readonly ConcurrentDictionary<string, (long Length, DateTime Written, string? Problem)> _seen = new(StringComparer.Ordinal);

    /// <summary>The lake root (absolute).</summary>
    public string LakeRoot { get; } = Path.GetFullPath(lake.Value.Root);

    /// <summary>Every unreadable Parquet file of the lake (record kinds, quarantine, rollups), in path order.</summary>
    public IReadOnlyList<UnreadableFile> Scan(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(LakeRoot))
        {
            return [];
        }

        var found = new List<UnreadableFile>();
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(LakeRoot))
        {
            // Staging holds batches being written; their files are not part of the lake until renamed into place.
            if (Path.GetFileName(folder) == LakeLayout.StagingFolder)
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                live.Add(file);
                if (Check(file) is { } problem)
                {
                    found.Add(new UnreadableFile(Path.GetRelativePath(LakeRoot, file).Replace(Path.DirectorySeparatorChar, '/'), problem));
                }
            }
        }

        foreach (var gone in _seen.Keys.Where(k => !live.Contains(k)))
        {
            _seen.TryRemove(gone, out _);
        }

        return found.OrderBy(f => f.File, StringComparer.Ordinal).ToList();
    }

    private string? Check(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (_seen.TryGetValue(path, out var known) && known.Length == info.Length && known.Written == info.LastWriteTimeUtc)
            {
                return known.Problem;
            }
        }
        catch (IOException)
        {
            return null;
        }

        var problem = Inspect(path, info.Length);
        _seen[path] = (info.Length, info.LastWriteTimeUtc, problem);
        return problem;
    }

    /// <summary>The problem with one file, or null when its frame is sound.</summary>
    internal static string? Inspect(string path, long length)
    {
        if (length < 12)
        {
            return $"{length} bytes: too small to be a Parquet file";
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16);
            Span<byte> head = stackalloc byte[4];
            stream.ReadExactly(head);
            Span<byte> tail = stackalloc byte[8];
            stream.Seek(-8, SeekOrigin.End);
            stream.ReadExactly(tail);
            if (!head.SequenceEqual(Magic))
            {
                return "no PAR1 magic at the start";
            }

            if (!tail[4..].SequenceEqual(Magic))
            {
                return "no PAR1 magic at the end (truncated?)";
            }

            var footer = BinaryPrimitives.ReadUInt32LittleEndian(tail[..4]);
            return footer + 12L > length ? $"footer of {footer} bytes does not fit in {length} bytes (truncated?)" : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "cannot be read: " + ex.Message;
        }
    }
}
