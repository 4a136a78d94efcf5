using System.Text;

namespace RiskOps.Web.Audit;

/// <summary>
/// Reads an append-only JSON-lines file newest first without loading it whole: the pages of the alert history and the
/// audit log read back from the end, so their cost grows with the page asked for, not with the file.
/// </summary>
internal static class JsonLines
{
    /// <summary>The most lines any page may skip (deeper history is read with a tool, not a browser).</summary>
    public const int MaxSkip = 200_000;

    /// <summary>Complete lines, newest first, after skipping <paramref name="skip"/> newest ones. A line still being written (no newline yet) is left out.</summary>
    public static IReadOnlyList<string> NewestFirst(string path, int skip, int take)
    {
        var lines = new List<string>();
        if (!File.Exists(path) || take <= 0)
        {
            return lines;
        }

        skip = Math.Clamp(skip, 0, MaxSkip);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var end = stream.Length;
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        var seen = 0;
        var position = end;
        var first = true;
        while (position > 0 && lines.Count < take)
        {
            var size = (int)Math.Min(buffer.Length, position);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(buffer, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (buffer[i] != (byte)'\n')
                {
                    pending.Add(buffer[i]);
                    continue;
                }

                if (first)
                {
                    // Bytes after the last newline belong to a line still being appended.
                    pending.Clear();
                    first = false;
                    continue;
                }

                if (Emit() && lines.Count >= take)
                {
                    return lines;
                }
            }

            if (first && position == 0)
            {
                // A file without any newline holds no complete line.
                return lines;
            }
        }

        if (position == 0 && lines.Count < take && !first)
        {
            Emit();
        }

        return lines;

        bool Emit()
        {
            if (pending.Count == 0)
            {
                return false;
            }

            pending.Reverse();
            var text = Encoding.UTF8.GetString(pending.ToArray());
            pending.Clear();
            if (seen++ < skip)
            {
                return false;
            }

            lines.Add(text);
            return true;
        }
    }

    /// <summary>The number of complete non-empty lines (one pass over the bytes).</summary>
    public static long Count(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[64 * 1024];
        long count = 0;
        var previous = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' && previous != (byte)'\n')
                {
                    count++;
                }

                previous = buffer[i];
            }
        }

        return count;
    }
}
