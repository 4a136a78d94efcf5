using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Sources;

/// <summary>
/// NDJSON: one JSON object per line. Lists as JSON arrays or as one <c>|</c>-separated string. Lines are read as bytes
/// (<see cref="PhysicalLineReader"/>), so a NUL byte, invalid UTF-8 or a line over 1 MiB breaks only that line (contract v2).
/// </summary>
internal sealed class NdjsonRecordSource : IRecordSource
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly PhysicalLineReader _reader;
    private readonly PhysicalLine _line = new();
    private readonly ArrayBufferWriter<byte> _render = new(1024);
    private bool _pending;

    private NdjsonRecordSource(PhysicalLineReader reader, KindSchema schema)
    {
        _reader = reader;
        Schema = schema;
    }

    public KindSchema Schema { get; }

    /// <summary>Opens the delivery; the first object's field names infer the kind when none is given.</summary>
    public static NdjsonRecordSource Open(Stream stream, RecordKind? kind, Func<IReadOnlyCollection<string>, RecordKind> kindFromFields)
    {
        var reader = new PhysicalLineReader(stream);
        try
        {
            var first = new PhysicalLine();
            if (!NextNonBlank(reader, first))
            {
                // An empty delivery lands nothing; it still needs a kind to be recorded under.
                return new NdjsonRecordSource(reader, KindSchemas.For(kind ?? kindFromFields([])));
            }

            // The first line decides whether this is NDJSON at all: a file whose first line is not a JSON object is refused
            // as a whole (a CSV or a binary file sent as NDJSON), never quoting it.
            if (first.Defect() is { } defect)
            {
                throw new UnreadableInputException($"{defect}; NDJSON needs one UTF-8 JSON object per line");
            }

            string[] names;
            try
            {
                using var doc = JsonDocument.Parse(first.Memory);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new UnreadableInputException($"line {first.Number} is not a JSON object; NDJSON needs one object per line");
                }

                names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            }
            catch (JsonException ex)
            {
                throw new UnreadableInputException($"line {first.Number} is not JSON; NDJSON needs one object per line", ex);
            }

            var resolved = new NdjsonRecordSource(reader, KindSchemas.For(kind ?? kindFromFields(names)));
            if (!names.Any(n => resolved.Schema.IndexOf(n) >= 0))
            {
                throw new UnreadableInputException($"the first object has none of the {resolved.Schema.Kind.LakeName()} fields");
            }

            first.Buffer.AsSpan(0, first.Length).CopyTo(EnsureCapacity(resolved._line, first.Length));
            resolved._line.Length = first.Length;
            resolved._line.Number = first.Number;
            resolved._pending = true;
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
        try
        {
            while (true)
            {
                if (_pending)
                {
                    _pending = false;
                }
                else if (!NextNonBlank(_reader, _line))
                {
                    yield break;
                }

                if ((++count & 0x3FFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                record.Reset(_line.Number);
                record.Bytes = _line.Memory;
                var defect = _line.Defect();
                if (defect is not null)
                {
                    record.Error = defect;
                }
                else
                {
                    Fill(record);
                }

                yield return record;
            }
        }
        finally
        {
            record.Reset(0);
        }
    }

    public string? RenderLocatable(RawRecord record, Func<string, string> hashUserId)
    {
        if (record.Error is not null || record.Json is null)
        {
            return null;
        }

        // Re-written from the parsed object rather than edited as text: a key escaped as user\u005fid, a duplicate key or a
        // nested user_id are all found by name, so no spelling of the key lets the clear id through.
        _render.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_render, WriterOptions))
        {
            if (!WriteHashed(writer, record.Json.RootElement, hashUserId))
            {
                return null;
            }
        }

        return System.Text.Encoding.UTF8.GetString(_render.WrittenSpan);
    }

    public ReadOnlyMemory<byte> RawBytes(RawRecord record) => record.Bytes;

    public void Dispose() => _reader.Dispose();

    private static bool IsUserId(string name) => string.Equals(name, "user_id", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes <paramref name="element"/> with every <c>user_id</c> value hashed; false when one is not a string or number.</summary>
    private static bool WriteHashed(Utf8JsonWriter writer, JsonElement element, Func<string, string> hashUserId)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (IsUserId(property.Name))
                    {
                        var value = property.Value;
                        switch (value.ValueKind)
                        {
                            case JsonValueKind.String:
                                var text = value.GetString()!.Trim();
                                writer.WriteStringValue(text.Length == 0 ? string.Empty : hashUserId(text));
                                break;
                            case JsonValueKind.Number:
                                writer.WriteStringValue(hashUserId(value.GetRawText()));
                                break;
                            case JsonValueKind.Null:
                                writer.WriteNullValue();
                                break;
                            default:
                                return false;
                        }
                    }
                    else if (!WriteHashed(writer, property.Value, hashUserId))
                    {
                        return false;
                    }
                }

                writer.WriteEndObject();
                return true;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    if (!WriteHashed(writer, item, hashUserId))
                    {
                        return false;
                    }
                }

                writer.WriteEndArray();
                return true;
            default:
                element.WriteTo(writer);
                return true;
        }
    }

    private static string JsonTypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => "string",
        _ => "value",
    };

    private void Fill(RawRecord record)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(_line.Memory);
        }
        catch (JsonException ex)
        {
            // The parser's own message can quote a character of the line; the byte position is enough to find it.
            record.Error = $"the line is not valid JSON (at byte {(ex.BytePositionInLine ?? 0) + 1})";
            return;
        }

        record.Json = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            record.Error = "the line is not a JSON object";
            return;
        }

        var hasUserIdField = Schema.IndexOf("user_id") >= 0;
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            var index = Schema.IndexOf(property.Name);
            if (index < 0)
            {
                if (!hasUserIdField && IsUserId(property.Name))
                {
                    record.ForeignUserId = true;
                }

                continue;
            }

            record.Values[index] = ValueOf(Schema.Fields[index].Type, property.Value);
        }
    }

    /// <summary>
    /// The value a field takes from a JSON value, or a <see cref="JsonShape"/> when its JSON type does not fit the field
    /// (contract v2: an array, object or boolean given to a string field is a break; a number is its literal token).
    /// </summary>
    private static object? ValueOf(FieldType type, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                var s = value.GetString();
                return string.IsNullOrEmpty(s) ? null : s;
            case JsonValueKind.Number when type is not FieldType.Timestamp and not FieldType.StringList:
                return value.GetRawText();
            case JsonValueKind.True or JsonValueKind.False when type == FieldType.Bool:
                return value.ValueKind == JsonValueKind.True;
            case JsonValueKind.Array when type == FieldType.StringList:
                var items = new string[value.GetArrayLength()];
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    switch (item.ValueKind)
                    {
                        case JsonValueKind.String:
                            items[i++] = item.GetString() ?? string.Empty;
                            break;
                        case JsonValueKind.Number:
                            items[i++] = item.GetRawText();
                            break;
                        case JsonValueKind.Null:
                            items[i++] = string.Empty; // dropped like an empty item
                            break;
                        default:
                            return new JsonShape("array of " + JsonTypeName(item.ValueKind) + "s");
                    }
                }

                return items;
            default:
                return new JsonShape(JsonTypeName(value.ValueKind));
        }
    }

    private static bool NextNonBlank(PhysicalLineReader reader, PhysicalLine line)
    {
        while (reader.Next(line))
        {
            if (line.Oversize || !IsBlank(line.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static Span<byte> EnsureCapacity(PhysicalLine line, int length)
    {
        if (line.Buffer.Length < length)
        {
            line.Buffer = new byte[length];
        }

        return line.Buffer.AsSpan(0, length);
    }
}
