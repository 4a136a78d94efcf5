using System.Text.RegularExpressions;

namespace RiskOps.Web.Health;

/// <summary>Recognises a failure caused by one unreadable lake file (a truncated or damaged Parquet file).</summary>
internal static partial class LakeFaults
{
    /// <summary>
    /// The lake-relative path ('/'-separated) of the unreadable Parquet file <paramref name="error"/> (or an inner error)
    /// names, when that file still exists under <paramref name="lakeRoot"/>; else null. A file that vanished is a
    /// compaction swap, not damage, and is not reported.
    /// </summary>
    public static string? UnreadableFile(Exception error, string lakeRoot)
    {
        var root = Path.GetFullPath(lakeRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        for (var e = (Exception?)error; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException)
            {
                return null;
            }

            foreach (Match match in QuotedParquetPath().Matches(e.Message))
            {
                var path = Path.GetFullPath(match.Groups[1].Value);
                if (path.StartsWith(root, StringComparison.Ordinal) && File.Exists(path))
                {
                    return Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                }
            }
        }

        return null;
    }

    /// <summary>The partition of a lake-relative file path: <c>decisions/dt=2026-11-10</c> (the folder of the file).</summary>
    public static string PartitionOf(string relativeFile)
    {
        var slash = relativeFile.LastIndexOf('/');
        return slash < 0 ? relativeFile : relativeFile[..slash];
    }

    [GeneratedRegex(@"[""']([^""'\r\n]+\.parquet)[""']")]
    private static partial Regex QuotedParquetPath();
}
