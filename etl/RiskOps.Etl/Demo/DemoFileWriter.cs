using System.Globalization;
using System.Text;
using System.Text.Json;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Demo;

/// <summary>One file the writer produced.</summary>
/// <param name="Kind">The record kind it holds.</param>
/// <param name="Path">Its full path.</param>
/// <param name="Rows">Records written (broken ones included).</param>
public sealed record DemoFile(RecordKind Kind, string Path, long Rows);

/// <summary>
/// Writes demo records as delivery files, one per kind, named <c>&lt;kind&gt;.csv</c> or <c>&lt;kind&gt;.ndjson</c> so
/// <c>riskops ingest</c> infers the kind from the name. CSV follows RFC 4180 with a header row, lists joined by
/// <c>|</c>, timestamps ISO-8601 UTC (<c>2026-11-02T08:15:00Z</c>), empty for null.
/// </summary>
public static class DemoFileWriter
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the data set's records of the given kinds (null = all) into <paramref name="directory"/>.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="directory">Target folder; created when missing. Existing files of the same names are replaced.</param>
    /// <param name="format">CSV or NDJSON.</param>
    /// <param name="kinds">The kinds to write; null for all five.</param>
    /// <param name="withBadRecords">Append the deliberately broken records to each file.</param>
    /// <param name="progress">Receives a line every million rows.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    public static IReadOnlyList<DemoFile> Write(
        DemoDataSet data,
        string directory,
        RecordFormat format,
        IReadOnlySet<RecordKind>? kinds,
        bool withBadRecords,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (format is not (RecordFormat.Csv or RecordFormat.Ndjson))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "demo files are written as CSV or NDJSON");
        }

        Directory.CreateDirectory(directory);
        var selected = RecordKinds.All.Where(k => kinds is null || kinds.Contains(k)).ToArray();
        var writers = new Dictionary<RecordKind, KindWriter>();
        try
        {
            foreach (var kind in selected)
            {
                var extension = format == RecordFormat.Csv ? "csv" : "ndjson";
                var path = Path.Combine(directory, $"{kind.LakeName()}.{extension}");
                writers[kind] = new KindWriter(kind, path, format);
            }

            long total = 0;
            foreach (var row in data.Rows(kinds))
            {
                writers[row.Kind].Write(row);
                if (++total % 1_000_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report($"files: {total:N0} rows written");
                }
            }

            if (withBadRecords)
            {
                foreach (var row in data.BadRows())
                {
                    if (writers.TryGetValue(row.Kind, out var writer))
                    {
                        writer.Write(row);
                    }
                }
            }

            return writers.Values.Select(w => new DemoFile(w.Kind, w.Path, w.Rows)).ToArray();
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
    }

    /// <summary>Formats one value as a CSV field (without quoting).</summary>
    internal static string FormatCsvValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        DateTimeOffset t => FormatTimestamp(t),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IEnumerable<string> list => string.Join('|', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>ISO-8601 in UTC with a <c>Z</c>; fractions only when present.</summary>
    public static string FormatTimestamp(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    private sealed class KindWriter : IDisposable
    {
        private readonly StreamWriter? _text;
        private readonly FileStream? _stream;
        private readonly Utf8JsonWriter? _json;
        private readonly RecordFormat _format;
        private bool _headerWritten;

        public KindWriter(RecordKind kind, string path, RecordFormat format)
        {
            Kind = kind;
            Path = path;
            _format = format;
            if (format == RecordFormat.Csv)
            {
                _text = new StreamWriter(path, append: false, Utf8NoBom, bufferSize: 1 << 20);
                _text.NewLine = "\n";
            }
            else
            {
                _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
                _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
            }
        }

        public RecordKind Kind { get; }

        public string Path { get; }

        public long Rows { get; private set; }

        public void Write(DemoRow row)
        {
            if (_format == RecordFormat.Csv)
            {
                WriteCsv(row);
            }
            else
            {
                WriteJson(row);
            }

            Rows++;
        }

        private void WriteCsv(DemoRow row)
        {
            var text = _text!;
            if (!_headerWritten)
            {
                text.Write(string.Join(',', row.FieldNames));
                text.Write('\n');
                _headerWritten = true;
            }

            var values = row.Values;
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    text.Write(',');
                }

                var field = FormatCsvValue(values[i]);
                if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
                {
                    text.Write('"');
                    text.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
                    text.Write('"');
                }
                else
                {
                    text.Write(field);
                }
            }

            text.Write('\n');
        }

        private void WriteJson(DemoRow row)
        {
            var json = _json!;
            json.Reset();
            json.WriteStartObject();
            var names = row.FieldNames;
            var values = row.Values;
            for (var i = 0; i < values.Count; i++)
            {
                json.WritePropertyName(names[i]);
                switch (values[i])
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case string s:
                        json.WriteStringValue(s);
                        break;
                    case DateTimeOffset t:
                        json.WriteStringValue(FormatTimestamp(t));
                        break;
                    case double d:
                        json.WriteNumberValue(d);
                        break;
                    case int n:
                        json.WriteNumberValue(n);
                        break;
                    case long n:
                        json.WriteNumberValue(n);
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    case IEnumerable<string> list:
                        json.WriteStartArray();
                        foreach (var item in list)
                        {
                            json.WriteStringValue(item);
                        }

                        json.WriteEndArray();
                        break;
                    default:
                        json.WriteStringValue(FormatCsvValue(values[i]));
                        break;
                }
            }

            json.WriteEndObject();
            json.Flush();
            _stream!.WriteByte((byte)'\n');
        }

        public void Dispose()
        {
            _text?.Dispose();
            _json?.Dispose();
            _stream?.Dispose();
        }
    }
}
