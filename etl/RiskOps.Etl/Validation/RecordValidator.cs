using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Sources;

namespace RiskOps.Etl.Validation;

/// <summary>
/// Checks a raw record against its kind's contract (§1) and converts it to typed lake values. Never throws on bad data:
/// every broken rule becomes a reason that names the field, e.g. <c>confidence: 1.7 is outside 0..1</c>.
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
    private readonly Dictionary<string, string> _userIdHashes = new(StringComparer.Ordinal);
    private byte[] _bytes = new byte[1024];

    public RecordValidator(KindSchema schema, UserIdHasher hasher)
    {
        _schema = schema;
        _hasher = hasher;
        _userIdIndex = schema.IndexOf("user_id");
        _annotationIndex = schema.Kind == RecordKind.Labels ? schema.IndexOf("annotation") : -1;
    }

    public void Dispose() => _sha.Dispose();

    /// <summary>The index of the user id field, or -1.</summary>
    public int UserIdIndex => _userIdIndex;

    /// <summary>
    /// Validates <paramref name="record"/> into <paramref name="output"/> (the first <c>Fields.Count</c> slots, plus
    /// <c>annotation_flagged</c> for labels). Returns false and fills <paramref name="errors"/> when the record is refused.
    /// </summary>
    public bool Validate(RawRecord record, object?[] output, List<string> errors, out bool flagged)
    {
        errors.Clear();
        flagged = false;
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

        if (_userIdIndex >= 0)
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
    public string RecordHash(object?[] output)
    {
        var text = _canonical.Clear().Append(_schema.Kind.LakeName());
        for (var i = 0; i < _schema.Fields.Count; i++)
        {
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
                    text.Append(d.ToString("R", CultureInfo.InvariantCulture));
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

        hashed = _hasher.Hash(userId);
        _userIdHashes[userId] = hashed;
        return hashed;
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
                    errors.Add($"priority: {priority} is outside 0..100");
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
                    errors.Add($"sample_weight: {Format(weight)} must be greater than 0");
                }

                break;
        }
    }

    private string? Get(object?[] v, string name) => v[_schema.IndexOf(name)] as string;

    private void CheckRange(object?[] v, string name, double min, double max, List<string> errors)
    {
        if (v[_schema.IndexOf(name)] is double value && (value < min || value > max))
        {
            errors.Add($"{name}: {Format(value)} is outside {Format(min)}..{Format(max)}");
        }
    }

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Show(object value)
    {
        var text = value switch
        {
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
        return text.Length > 60 ? "'" + text[..60] + "…'" : "'" + text + "'";
    }

    private static object? Convert(FieldSpec field, object? value, List<string> errors)
    {
        if (value is string s)
        {
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
                var text = value as string ?? (value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? string.Empty);
                if (field.Name == "case_type" && !UpperSnake().IsMatch(text))
                {
                    errors.Add($"case_type: {Show(text)} is not UPPER_SNAKE (e.g. {string.Join(", ", KindSchemas.KnownCaseTypes)})");
                    return null;
                }

                return text;
            case FieldType.Enum:
                var raw = value as string ?? value.ToString() ?? string.Empty;
                foreach (var allowed in field.Values!)
                {
                    if (string.Equals(allowed, raw, StringComparison.OrdinalIgnoreCase))
                    {
                        return allowed;
                    }
                }

                errors.Add($"{field.Name}: {Show(raw)} is not one of {string.Join(", ", field.Values!)}");
                return null;
            case FieldType.Timestamp:
                return ConvertTimestamp(field, value, errors);
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
                        errors.Add($"{field.Name}: {Show(value)} is not a number");
                        return null;
                }

                if (!double.IsFinite(number))
                {
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

                errors.Add($"{field.Name}: {Show(value)} is not a boolean (true or false)");
                return null;
            case FieldType.StringList:
                IEnumerable<string> items = value switch
                {
                    string str => str.Split('|'),
                    IEnumerable<string> list => list,
                    System.Collections.IEnumerable any => any.Cast<object?>().Select(o => o?.ToString() ?? string.Empty),
                    _ => [value.ToString() ?? string.Empty],
                };
                var cleaned = items.Select(i => i.Trim()).Where(i => i.Length > 0).ToArray();
                return cleaned.Length == 0 ? null : cleaned;
            default:
                throw new InvalidOperationException($"unknown field type {field.Type}");
        }
    }

    private static object? ConvertTimestamp(FieldSpec field, object value, List<string> errors)
    {
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

    [GeneratedRegex(@"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex UpperSnake();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?\s?([Zz]|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex TimestampWithOffset();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?)?$")]
    private static partial Regex TimestampWithoutOffset();
}
