using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace RiskOps.Production.Tests.Support;

/// <summary>A temp folder with a lake and a delivery folder, deleted at the end; plus readers that check the lake with DuckDB.</summary>
public sealed class TestLake : IDisposable
{
    /// <summary>Fixed instant the generated records are scored at (tests never depend on today's date).</summary>
    public static readonly DateTimeOffset BaseInstant = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Creates the folders.</summary>
    public TestLake(string name)
    {
        Root = Path.Combine(Path.GetTempPath(), $"riskops-prod-{name}-{Guid.NewGuid():N}");
        Lake = Path.Combine(Root, "lake");
        Deliveries = Path.Combine(Root, "deliveries");
        Directory.CreateDirectory(Lake);
        Directory.CreateDirectory(Deliveries);
    }

    /// <summary>The temp root.</summary>
    public string Root { get; }

    /// <summary>The lake folder.</summary>
    public string Lake { get; }

    /// <summary>Where test delivery files are written.</summary>
    public string Deliveries { get; }

    /// <summary>A second lake folder under the same root (e.g. for a clean reference run).</summary>
    public string OtherLake(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes <paramref name="files"/> CSV files of decisions, <paramref name="rowsPerFile"/> distinct cases each.</summary>
    public IReadOnlyList<string> WriteDecisionFiles(int files, int rowsPerFile)
    {
        var paths = new List<string>(files);
        for (var f = 0; f < files; f++)
        {
            var path = Path.Combine(Deliveries, $"decisions_{f:D3}.csv");
            var text = new StringBuilder("case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region\n");
            for (var r = 0; r < rowsPerFile; r++)
            {
                var n = (f * rowsPerFile) + r;
                var scored = BaseInstant.AddMinutes(n % 5000).AddDays(n % 3);
                var confidence = 0.5 + ((n % 50) / 100.0);
                text.Append(CultureInfo.InvariantCulture,
                    $"C{f:D3}-{r:D6},ATO,{scored:yyyy-MM-ddTHH:mm:ssZ},m-1.{n % 3},{(n % 4 == 0 ? "block" : "pass")},{confidence:0.00},0.80,{(confidence < 0.8 ? "manual" : "auto")},{n % 100},user-{n},new_device|vpn_ip,EU\n");
            }

            File.WriteAllText(path, text.ToString());
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Runs a query over the lake with DuckDB and returns the rows as strings.</summary>
    public static List<string[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[i] = reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "null";
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The <c>read_parquet</c> expression over one kind of a lake.</summary>
    public static string Scan(string lake, string kind) =>
        $"read_parquet('{lake.Replace("'", "''", StringComparison.Ordinal)}/{kind}/**/*.parquet', hive_partitioning=true, union_by_name=true)";

    /// <summary>The lake's data files (relative paths of every kind's Parquet files), sorted.</summary>
    public static List<string> DataFiles(string lake) =>
        new[] { "decisions", "reviews", "labels", "qa_audits", "sop_coverage" }
            .Where(k => Directory.Exists(Path.Combine(lake, k)))
            .SelectMany(k => Directory.EnumerateFiles(Path.Combine(lake, k), "*.parquet", SearchOption.AllDirectories))
            .Select(p => Path.GetRelativePath(lake, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed worker may still hold a file for a moment; the temp folder is cleaned by the OS eventually.
        }
    }
}
