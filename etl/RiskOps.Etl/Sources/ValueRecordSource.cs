using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Sources;

/// <summary>Rows already split into named, possibly typed values (IngestRowsAsync, Parquet deliveries read through DuckDB).</summary>
internal sealed class ValueRecordSource : IRecordSource
{
    private readonly IEnumerable<IReadOnlyDictionary<string, object?>> _rows;
    private readonly IDisposable? _owner;

    public ValueRecordSource(KindSchema schema, IEnumerable<IReadOnlyDictionary<string, object?>> rows, IDisposable? owner = null)
    {
        Schema = schema;
        _rows = rows;
        _owner = owner;
    }

    public KindSchema Schema { get; }

    /// <summary>Reads a Parquet delivery with DuckDB (which handles every Parquet encoding and nesting correctly).</summary>
    public static ValueRecordSource OpenParquet(string path, RecordKind? kind, Func<IReadOnlyCollection<string>, RecordKind> kindFromFields)
    {
        var connection = DuckDb.Open();
        try
        {
            var columns = new List<(string Name, string Type)>();
            using (var describe = connection.CreateCommand())
            {
                describe.CommandText = $"describe select * from read_parquet({DuckDb.Literal(path)}, hive_partitioning = false)";
                using var reader = describe.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            var schema = KindSchemas.For(kind ?? kindFromFields(columns.Select(c => c.Name).ToArray()));
            if (!columns.Any(c => schema.IndexOf(c.Name) >= 0))
            {
                throw new UnreadableInputException($"the Parquet file has none of the {schema.Kind.LakeName()} columns");
            }

            return new ValueRecordSource(schema, ReadParquet(connection, path, columns), connection);
        }
        catch (DuckDBException ex)
        {
            connection.Dispose();
            throw new UnreadableInputException($"not a readable Parquet file ({ex.Message.Split('\n')[0]})", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public IEnumerable<RawRecord> Read(CancellationToken cancellationToken)
    {
        var record = new RawRecord(Schema);
        var hasUserIdField = Schema.IndexOf("user_id") >= 0;
        long line = 0;
        foreach (var row in _rows)
        {
            line++;
            if ((line & 0x3FFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            record.Reset(line);
            foreach (var (name, value) in row)
            {
                var index = Schema.IndexOf(name);
                if (index >= 0)
                {
                    record.Values[index] = value;
                }
                else if (!hasUserIdField && string.Equals(name, "user_id", StringComparison.OrdinalIgnoreCase))
                {
                    record.ForeignUserId = true;
                }
            }

            yield return record;
        }
    }

    public string? RenderLocatable(RawRecord record, Func<string, string> hashUserId)
    {
        var userIdIndex = Schema.IndexOf("user_id");
        string? hashed = null;
        if (userIdIndex >= 0)
        {
            var clear = record.Values[userIdIndex] switch
            {
                string text => text.Trim(),
                IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (string.IsNullOrEmpty(clear))
            {
                return null;
            }

            hashed = hashUserId(clear);
        }

        return Render(record, hashed);
    }

    public ReadOnlyMemory<byte> RawBytes(RawRecord record) => System.Text.Encoding.UTF8.GetBytes(Render(record, null));

    /// <summary>The record's contract fields as JSON; the user id replaced by <paramref name="hashedUserId"/> when given.</summary>
    private string Render(RawRecord record, string? hashedUserId)
    {
        var raw = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < Schema.Fields.Count; i++)
        {
            var name = Schema.Fields[i].Name;
            raw[name] = name == "user_id" && hashedUserId is not null ? hashedUserId : record.Values[i] switch
            {
                DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
                DateTime dt => dt.ToString("O", CultureInfo.InvariantCulture),
                string text => text,
                IEnumerable<string> list => list.ToArray(),
                System.Collections.IEnumerable list => list.Cast<object?>().Select(o => System.Convert.ToString(o, CultureInfo.InvariantCulture)).ToArray(),
                IFormattable or bool or null => record.Values[i],
                var other => other.ToString(),
            };
        }

        return JsonSerializer.Serialize(raw);
    }

    public void Dispose() => _owner?.Dispose();

    private static IEnumerable<IReadOnlyDictionary<string, object?>> ReadParquet(DuckDBConnection connection, string path, List<(string Name, string Type)> columns)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"select * from read_parquet({DuckDb.Literal(path)}, hive_partitioning = false)";
        DuckDBDataReader reader;
        try
        {
            reader = command.ExecuteReader();
        }
        catch (DuckDBException ex)
        {
            throw new UnreadableInputException($"not a readable Parquet file ({ex.Message.Split('\n')[0]})", ex);
        }

        using (reader)
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            while (true)
            {
                bool more;
                try
                {
                    more = reader.Read();
                }
                catch (DuckDBException ex)
                {
                    throw new UnreadableInputException($"the Parquet file is damaged ({ex.Message.Split('\n')[0]})", ex);
                }

                if (!more)
                {
                    yield break;
                }

                row.Clear();
                for (var i = 0; i < columns.Count; i++)
                {
                    row[columns[i].Name] = reader.IsDBNull(i) ? null : Convert(reader.GetValue(i), columns[i].Type);
                }

                yield return row;
            }
        }
    }

    private static object? Convert(object value, string duckType)
    {
        if (value is DateTime dt)
        {
            // TIMESTAMP WITH TIME ZONE is an instant; a plain TIMESTAMP has no offset and is refused like a CSV one would be.
            return duckType.Contains("WITH TIME ZONE", StringComparison.Ordinal)
                ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc))
                : dt.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        }

        if (value is System.Collections.IEnumerable list and not string)
        {
            return list.Cast<object?>().Select(o => o?.ToString() ?? string.Empty).ToArray();
        }

        return value;
    }
}
