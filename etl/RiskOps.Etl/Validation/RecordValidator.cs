using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Sources;

namespace RiskOps.Etl.Validation;

/// <summary>
/// Checks a raw record against its kind's contract (§1, with the v2 bounds and shapes) and converts it to typed lake values.
/// Never throws on bad data: every broken rule becomes a reason that names the field, e.g.
/// <c>confidence: the value is outside 0..1</c>. A reason quotes a value only where no user id can be: in a record of a
/// kind without a <c>user_id</c> field that carries no <c>user_id</c> either (contract v2: a reason never quotes a value
/// from a user-id position, and in a shifted or swapped row any position can be one).
/// </summary>
internal sealed partial class RecordValidator : IDisposable
{
    private readonly KindSchema _schema;
    private readonly UserIdHasher _hasher;
    private readonly int _userIdIndex;
    private readonly int _annotationIndex;
    private readonly StringBuilder _canonical = new(256);

    // One reused hash context: a one-shot SHA256.HashData per row pays OpenSSL's context set-up every time.
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _hmac;
    private readonly Dictionary<string, string> _userIdHashes = new(StringComparer.Ordinal);
    private byte[] _bytes = new byte[1024];
    private bool _quote;

    public RecordValidator(KindSchema schema, UserIdHasher hasher)
    {
        _schema = schema;
        _hasher = hasher;
        _userIdIndex = schema.IndexOf("user_id");
        _annotationIndex = schema.Kind == RecordKind.Labels ? schema.IndexOf("annotation") : -1;
        _hmac = hasher.CreateHmac();
    }

    public void Dispose()
    {
        _sha.Dispose();
        _hmac.Dispose();
    }

    /// <summary>
    /// Set by a quarantine replay for a record whose readable quarantine text already holds the hashed user id: it is kept
    /// as given instead of being hashed again (every other rule applies as at ingest).
    /// </summary>
    public bool UserIdHashed { get; set; }

    /// <summary>The index of the user id field, or -1.</summary>
    public int UserIdIndex => _userIdIndex;

    /// <summary>
    /// True when the last refused record had a value that does not fit its field (wrong type or shape, not an allowed value,
    /// unparsable, out of range): what a shifted or swapped row looks like, so its user id cannot be located with certainty.
    /// </summary>
    public bool LastMisfit { get; private set; }

    /// <summary>
    /// Validates <paramref name="record"/> into <paramref name="output"/> (the first <c>Fields.Count</c> slots, plus
    /// <c>annotation_flagged</c> for labels). Returns false and fills <paramref name="errors"/> when the record is refused.
    /// </summary>
    public bool Validate(RawRecord record, object?[] output, List<string> errors, out bool flagged)
    {
        errors.Clear();
        flagged = false;
        LastMisfit = false;
        _quote = _userIdIndex < 0 && !record.ForeignUserId && record.Error is null;
        var fields = _schema.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            output[i] = Convert(fields[i], record.Values[i], errors);
        }

        CheckRules(output, errors);

        if (errors.Count > 0)
        {
            return false;
        }

        if (_userIdIndex >= 0 && !UserIdHashed)
        {
            output[_userIdIndex] = HashUserId((string)output[_userIdIndex]!);
        }

        if (_schema.Kind == RecordKind.Labels)
        {
            var sourceIndex = _schema.IndexOf("label_source");
            output[sourceIndex] ??= "review";
            flagged = Annotations.CountSentences(output[_annotationIndex] as string) > Annotations.MaxSentences;
            output[fields.Count] = flagged;
        }

        return true;
    }

    /// <summary>The record hash: SHA-256 (first 16 bytes, hex) of the kind and its converted contract fields.</summary>
    public string RecordHash(object?[] output) => RecordHash(output, out _);

    /// <summary>The record hash as hex and as the 128-bit number the dedupe index keys on (no hex round trip per row).</summary>
    public string RecordHash(object?[] output, out UInt128 value)
    {
        var text = _canonical.Clear().Append(_schema.Kind.LakeName());
        for (var i = 0; i < _schema.Fields.Count; i++)
        {
            // A v2 field left out keeps the record's pre-v2 hash, so a re-delivery of an old record still lands once.
            if (output[i] is null && _schema.Fields[i].AddedInV2)
            {
                continue;
            }

            text.Append('\u001f');
            switch (output[i])
            {
                case null:
                    text.Append('\u0000');
                    break;
                case string s:
                    text.Append(s);
                    break;
                case DateTime dt:
                    text.Append(dt.Ticks);
                    break;
                case double d:
                    text.Append(CultureInfo.InvariantCulture, $"{d:R}");
                    break;
                case int n:
                    text.Append(n);
                    break;
                case bool b:
                    text.Append(b ? '1' : '0');
                    break;
                case string[] list:
                    text.AppendJoin('\u001e', list);
                    break;
                default:
                    text.Append(output[i]);
                    break;
            }
        }

        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_bytes.Length < length)
        {
            _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
        }

        var written = 0;
        foreach (var chunk in text.GetChunks())
        {
            written += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(written));
        }

        _sha.AppendData(_bytes, 0, written);
        Span<byte> hash = stackalloc byte[32];
        _sha.GetHashAndReset(hash);
        value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(hash);
        return System.Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The user id's hash; user ids repeat across a batch, so hashes are remembered (bounded).</summary>
    public string HashUserId(string userId)
    {
        if (_userIdHashes.TryGetValue(userId, out var hashed))
        {
            return hashed;
        }

        if (_userIdHashes.Count >= 100_000)
        {
            _userIdHashes.Clear();
        }

        hashed = HashWithSession(userId);
        _userIdHashes[userId] = hashed;
        return hashed;
    }

    private string HashWithSession(string userId)
    {
        // Same bytes as UserIdHasher.Hash, through a reused HMAC context.
        Span<byte> input = userId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(userId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(userId.Length)];
        var length = Encoding.UTF8.GetBytes(userId, input);
        _hmac.AppendData(input[..length]);
        Span<byte> mac = stackalloc byte[32];
        _hmac.GetHashAndReset(mac);
        return System.Convert.ToHexStringLower(mac);
    }

    private void CheckRules(object?[] v, List<string> errors)
    {
        switch (_schema.Kind)
        {
            case RecordKind.Decisions:
                CheckRange(v, "confidence", 0, 1, errors);
                CheckRange(v, "threshold", 0, 1, errors);
                if (v[_schema.IndexOf("priority")] is int priority && priority is < 0 or > 100)
                {
                    LastMisfit = true;
                    errors.Add($"priority: {Show(priority)} is outside 0..100");
                }

                if (Get(v, "experiment") is not null && Get(v, "variant") is null)
                {
                    errors.Add("variant: required when experiment is set (the baseline arm is named control)");
                }

                break;
            case RecordKind.Reviews:
                if (Get(v, "reviewer_org") == "BPO" && Get(v, "vendor") is null)
                {
                    errors.Add("vendor: required when reviewer_org is BPO");
                }

                if (v[_schema.IndexOf("resolved_at")] is DateTime resolved && v[_schema.IndexOf("assigned_at")] is DateTime assigned && resolved < assigned)
                {
                    errors.Add("resolved_at: is before assigned_at");
                }

                break;
            case RecordKind.Labels:
                var label = Get(v, "label");
                if (label is "FP" or "FN" && Get(v, "root_cause_type") is null)
                {
                    errors.Add($"root_cause_type: required when label is {label} (A, B or C)");
                }

                if (v[_schema.IndexOf("sample_weight")] is double weight && weight <= 0)
                {
                    LastMisfit = true;
                    errors.Add($"sample_weight: {Show(weight)} must be greater than 0");
                }

                break;
        }
    }

    private string? Get(object?[] v, string name) => v[_schema.IndexOf(name)] as string;

    private void CheckRange(object?[] v, string name, double min, double max, List<string> errors)
    {
        if (v[_schema.IndexOf(name)] is double value && (value < min || value > max))
        {
            LastMisfit = true;
            errors.Add($"{name}: {Show(value)} is outside {Format(min)}..{Format(max)}");
        }
    }

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The value quoted for a reason where that is safe (see the class remarks), else "the value".</summary>
    private string Show(object value)
    {
        if (!_quote)
        {
            return "the value";
        }

        var text = value switch
        {
            string s => s,
            double d => Format(d),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        if (value is double or int)
        {
            return text;
        }

        return text.Length > 60 ? "'" + text[..60] + "…'" : "'" + text + "'";
    }

    /// <summary>Contract v2 counts lengths in Unicode code points (a surrogate pair is one).</summary>
    internal static int CodePoints(string text)
    {
        var count = text.Length;
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    private static string TypeName(FieldType type) => type switch
    {
        FieldType.String or FieldType.Enum => "string",
        FieldType.Timestamp => "timestamp",
        FieldType.Double or FieldType.Int => "number",
        FieldType.Bool => "boolean",
        FieldType.StringList => "list of strings",
        _ => "value",
    };

    private bool WithinLength(FieldSpec field, string text, List<string> errors)
    {
        if (text.Length <= field.MaxLength)
        {
            return true;
        }

        var length = CodePoints(text);
        if (length <= field.MaxLength)
        {
            return true;
        }

        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field.Name}: {length:N0} code points, more than the {field.MaxLength:N0} allowed"));
        return false;
    }

    private object? Convert(FieldSpec field, object? value, List<string> errors)
    {
        if (value is JsonShape shape)
        {
            LastMisfit = true;
            errors.Add($"{field.Name}: a JSON {shape.JsonType} is not a valid {TypeName(field.Type)}");
            return null;
        }

        if (field.Type is FieldType.String or FieldType.Enum && value is not null and not string)
        {
            // Typed sources (Parquet, rows): a number is its invariant text; a boolean, list or other object is a break.
            if (value is IFormattable formattable)
            {
                value = formattable.ToString(null, CultureInfo.InvariantCulture);
            }
            else
            {
                LastMisfit = true;
                errors.Add($"{field.Name}: a {(value is bool ? "boolean" : value is System.Collections.IEnumerable ? "list" : "structured value")} is not a valid string");
                return null;
            }
        }

        if (value is string s)
        {
            if (field.Type is FieldType.String or FieldType.Enum && !WithinLength(field, s, errors))
            {
                return null;
            }

            s = s.Trim();
            value = s.Length == 0 ? null : s;
        }

        if (value is null || (value is System.Collections.ICollection { Count: 0 } && field.Type != FieldType.StringList))
        {
            if (field.Required)
            {
                errors.Add($"{field.Name}: required field is missing");
            }

            return null;
        }

        switch (field.Type)
        {
            case FieldType.String:
                var text = (string)value;
                if (field.Name == "case_type" && !IsUpperSnake(text))
                {
                    LastMisfit = true;
                    errors.Add($"case_type: {Show(text)} is not UPPER_SNAKE (e.g. {string.Join(", ", KindSchemas.KnownCaseTypes)})");
                    return null;
                }

                return text;
            case FieldType.Enum:
                var raw = (string)value;
                foreach (var allowed in field.Values!)
                {
                    if (string.Equals(allowed, raw, StringComparison.OrdinalIgnoreCase))
                    {
                        return allowed;
                    }
                }

                LastMisfit = true;
                errors.Add($"{field.Name}: {Show(raw)} is not one of {string.Join(", ", field.Values!)}");
                return null;
            case FieldType.Timestamp:
                var instant = ConvertTimestamp(field, value, errors);
                LastMisfit |= instant is null;
                return instant;
            case FieldType.Double:
                double number;
                switch (value)
                {
                    case double d:
                        number = d;
                        break;
                    case float fl:
                        number = fl;
                        break;
                    case decimal m:
                        number = (double)m;
                        break;
                    case int or long or short or byte:
                        number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                        break;
                    case string str when double.TryParse(str, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                        number = parsed;
                        break;
                    default:
                        LastMisfit = true;
                        errors.Add($"{field.Name}: {Show(value)} is not a number");
                        return null;
                }

                if (!double.IsFinite(number))
                {
                    LastMisfit = true;
                    errors.Add($"{field.Name}: {Show(value)} is not a finite number");
                    return null;
                }

                return number;
            case FieldType.Int:
                switch (value)
                {
                    case int n:
                        return n;
                    case long or short or byte:
                        var l = System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                        if (l is >= int.MinValue and <= int.MaxValue)
                        {
                            return (int)l;
                        }

                        break;
                    case string str when int.TryParse(str, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed):
                        return parsed;
                    case string str when double.TryParse(str, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue:
                        return (int)d;
                    case double d when d == Math.Floor(d) && Math.Abs(d) < int.MaxValue:
                        return (int)d;
                    case decimal m when m == Math.Floor(m) && Math.Abs(m) < int.MaxValue:
                        return (int)m;
                }

                LastMisfit = true;
                errors.Add($"{field.Name}: {Show(value)} is not an integer");
                return null;
            case FieldType.Bool:
                switch (value)
                {
                    case bool b:
                        return b;
                    case string str:
                        switch (str.ToLowerInvariant())
                        {
                            case "true" or "t" or "yes" or "y" or "1":
                                return true;
                            case "false" or "f" or "no" or "n" or "0":
                                return false;
                        }

                        break;
                    case int n when n is 0 or 1:
                        return n == 1;
                    case long n when n is 0 or 1:
                        return n == 1;
                }

                LastMisfit = true;
                errors.Add($"{field.Name}: {Show(value)} is not a boolean (true or false)");
                return null;
            case FieldType.StringList:
                var listed = value is string joined ? SplitList(joined) : ToList(value);
                return listed is null || WithinListBounds(field, listed, errors) ? listed : null;
            default:
                throw new InvalidOperationException($"unknown field type {field.Type}");
        }
    }

    private static bool WithinListBounds(FieldSpec field, string[] items, List<string> errors)
    {
        var ok = true;
        if (items.Length > KindSchemas.MaxListItems)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field.Name}: {items.Length} items, more than the {KindSchemas.MaxListItems} allowed"));
            ok = false;
        }

        foreach (var item in items)
        {
            if (item.Length > field.MaxLength && CodePoints(item) > field.MaxLength)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{field.Name}: an item is over {field.MaxLength} code points"));
                return false;
            }

            if (item.Contains(',', StringComparison.Ordinal))
            {
                errors.Add($"{field.Name}: an item contains ','");
                return false;
            }
        }

        return ok;
    }

    private static string[]? ToList(object value)
    {
        IEnumerable<string> items = value switch
        {
            IEnumerable<string> list => list,
            System.Collections.IEnumerable any => any.Cast<object?>().Select(o => System.Convert.ToString(o, CultureInfo.InvariantCulture) ?? string.Empty),
            _ => [System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty],
        };
        var cleaned = items.Select(i => i.Trim()).Where(i => i.Length > 0).ToArray();
        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary><c>a|b</c> → items trimmed, empty items dropped; null when none is left (as the LINQ path for other inputs).</summary>
    private static string[]? SplitList(string joined)
    {
        if (joined.IndexOf('|', StringComparison.Ordinal) < 0)
        {
            var single = joined.Trim();
            return single.Length == 0 ? null : [single];
        }

        var result = new List<string>(4);
        var span = joined.AsSpan();
        while (true)
        {
            var bar = span.IndexOf('|');
            var item = (bar < 0 ? span : span[..bar]).Trim();
            if (item.Length > 0)
            {
                result.Add(item.ToString());
            }

            if (bar < 0)
            {
                break;
            }

            span = span[(bar + 1)..];
        }

        return result.Count == 0 ? null : result.ToArray();
    }

    /// <summary>
    /// The common shapes <c>yyyy-MM-ddTHH:mm:ss[.f{1,7}](Z|±hh:mm)</c> parsed from the span, as UTC ticks. Anything else
    /// (and anything out of range) returns false and takes the general regex + <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/> path,
    /// so the results (and reasons) are the same as before; this only saves the general parser's cost per row.
    /// </summary>
    internal static bool TryParseIsoFast(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        if (year < 2 || year > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var pos = 19;
        long fraction = 0;
        if (s[pos] == '.')
        {
            pos++;
            var start = pos;
            while (pos < s.Length && s[pos] is >= '0' and <= '9')
            {
                fraction = (fraction * 10) + (s[pos] - '0');
                pos++;
            }

            var digits = pos - start;
            if (digits is < 1 or > 7)
            {
                return false;
            }

            for (var i = digits; i < 7; i++)
            {
                fraction *= 10;
            }
        }

        long offsetMinutes;
        if (pos == s.Length - 1 && s[pos] == 'Z')
        {
            offsetMinutes = 0;
        }
        else if (pos == s.Length - 6 && s[pos] is '+' or '-' && s[pos + 3] == ':'
            && Digits(s, pos + 1, 2, out var offsetHours) && Digits(s, pos + 4, 2, out var offsetMins)
            && offsetMins <= 59 && (offsetHours * 60) + offsetMins <= 14 * 60)
        {
            offsetMinutes = ((offsetHours * 60) + offsetMins) * (s[pos] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        utcTicks = local - (offsetMinutes * TimeSpan.TicksPerMinute);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private object? ConvertTimestamp(FieldSpec field, object value, List<string> errors)
    {
        if (value is string fast && TryParseIsoFast(fast, out var fastTicks))
        {
            return new DateTime(fastTicks - (fastTicks % 10), DateTimeKind.Utc);
        }

        DateTimeOffset instant;
        switch (value)
        {
            case DateTimeOffset dto:
                instant = dto;
                break;
            case DateTime dt when dt.Kind == DateTimeKind.Utc:
                instant = new DateTimeOffset(dt);
                break;
            case DateTime dt:
                errors.Add($"{field.Name}: {Show(dt.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture))} has no UTC offset (a DateTime must be of kind Utc)");
                return null;
            case string text when TimestampWithOffset().IsMatch(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed):
                instant = parsed;
                break;
            case string text when TimestampWithoutOffset().IsMatch(text):
                errors.Add($"{field.Name}: {Show(text)} has no UTC offset (ISO-8601 needs Z or +hh:mm, e.g. 2026-11-02T10:15:00Z)");
                return null;
            default:
                errors.Add($"{field.Name}: {Show(value)} is not an ISO-8601 timestamp with offset");
                return null;
        }

        // The lake keeps microseconds: drop sub-microsecond ticks so the value round-trips exactly.
        var ticks = instant.UtcTicks - (instant.UtcTicks % 10);
        return new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>Same as <c>^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$</c>, without the regex engine (one call per row).</summary>
    internal static bool IsUpperSnake(string text)
    {
        if (text.Length == 0 || text[0] is < 'A' or > 'Z' || text[^1] == '_')
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '_')
            {
                if (text[i - 1] == '_')
                {
                    return false;
                }
            }
            else if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?\s?([Zz]|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex TimestampWithOffset();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)?$")]
    private static partial Regex TimestampWithoutOffset();
}
