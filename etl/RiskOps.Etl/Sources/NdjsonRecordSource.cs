using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Sources;

/// <summary>NDJSON: one JSON object per line. Lists as JSON arrays or as one <c>|</c>-separated string.</summary>
internal sealed partial class NdjsonRecordSource : IRecordSource
{
    private readonly StreamReader _reader;
    private string? _pending;
    private long _pendingLine;
    private long _line;

    private NdjsonRecordSource(StreamReader reader, KindSchema schema)
    {
        _reader = reader;
        Schema = schema;
    }

    public KindSchema Schema { get; }

    /// <summary>Opens the delivery; the first object's field names infer the kind when none is given.</summary>
    public static NdjsonRecordSource Open(Stream stream, RecordKind? kind, Func<IReadOnlyCollection<string>, RecordKind> kindFromFields)
    {
        var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        try
        {
            long line = 0;
            var first = NextNonBlank(reader, ref line);
            if (first is null)
            {
                // An empty delivery lands nothing; it still needs a kind to be recorded under.
                return new NdjsonRecordSource(reader, KindSchemas.For(kind ?? kindFromFields([])));
            }

            string[] names;
            try
            {
                using var doc = JsonDocument.Parse(first);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new UnreadableInputException($"line {line} is not a JSON object; NDJSON needs one object per line");
                }

                names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            }
            catch (JsonException ex)
            {
                throw new UnreadableInputException($"line {line} is not JSON ({ex.Message.Split('.')[0]}); NDJSON needs one object per line", ex);
            }

            var resolved = new NdjsonRecordSource(reader, KindSchemas.For(kind ?? kindFromFields(names)))
            {
                _pending = first,
                _pendingLine = line,
                _line = line,
            };
            if (!names.Any(n => resolved.Schema.IndexOf(n) >= 0))
            {
                throw new UnreadableInputException($"the first object has none of the {resolved.Schema.Kind.LakeName()} fields");
            }

            return resolved;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public IEnumerable<RawRecord> Read(CancellationToken cancellationToken)
    {
        var record = new RawRecord(Schema);
        var count = 0;
        while (true)
        {
            string? text;
            long line;
            if (_pending is not null)
            {
                text = _pending;
                line = _pendingLine;
                _pending = null;
            }
            else
            {
                text = NextNonBlank(_reader, ref _line);
                line = _line;
            }

            if (text is null)
            {
                yield break;
            }

            if ((++count & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            record.Reset(line);
            record.Text = text;
            Fill(record, text);
            yield return record;
        }
    }

    public string RenderRaw(RawRecord record, string? clearUserId, string? hashedUserId)
    {
        var text = record.Text ?? string.Empty;
        if (hashedUserId is null)
        {
            return text;
        }

        // The user id is never written in clear, not even to the quarantine.
        text = UserIdString().Replace(text, m => m.Groups[1].Value + "\"" + hashedUserId + "\"");
        return UserIdNumber().Replace(text, m => m.Groups[1].Value + "\"" + hashedUserId + "\"");
    }

    public void Dispose() => _reader.Dispose();

    private void Fill(RawRecord record, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                record.Error = "the line is not a JSON object";
                return;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var index = Schema.IndexOf(property.Name);
                if (index < 0)
                {
                    continue;
                }

                var value = property.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        var s = value.GetString();
                        record.Values[index] = string.IsNullOrEmpty(s) ? null : s;
                        break;
                    case JsonValueKind.Number:
                        record.Values[index] = value.GetRawText();
                        break;
                    case JsonValueKind.True:
                        record.Values[index] = true;
                        break;
                    case JsonValueKind.False:
                        record.Values[index] = false;
                        break;
                    case JsonValueKind.Array:
                        record.Values[index] = value.EnumerateArray()
                            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? string.Empty : e.GetRawText())
                            .ToArray();
                        break;
                    case JsonValueKind.Object:
                        record.Error = $"{Schema.Fields[index].Name}: a JSON object is not a valid value";
                        return;
                    default:
                        record.Values[index] = null;
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            record.Error = $"the line is not valid JSON: {ex.Message.Split(". ")[0]}";
        }
    }

    private static string? NextNonBlank(StreamReader reader, ref long line)
    {
        while (true)
        {
            string? text;
            try
            {
                text = reader.ReadLine();
            }
            catch (DecoderFallbackException ex)
            {
                throw new UnreadableInputException($"the file is not UTF-8 text (near line {line + 1})", ex);
            }

            line++;
            if (text is null)
            {
                return null;
            }

            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new UnreadableInputException($"the file holds binary data (a NUL byte on line {line}), not NDJSON text");
            }

            if (!string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
        }
    }

    [GeneratedRegex("(\"user_id\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.IgnoreCase)]
    private static partial Regex UserIdString();

    [GeneratedRegex("(\"user_id\"\\s*:\\s*)-?[0-9][0-9.eE+-]*", RegexOptions.IgnoreCase)]
    private static partial Regex UserIdNumber();
}
