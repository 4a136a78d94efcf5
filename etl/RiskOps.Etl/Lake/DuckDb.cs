using DuckDB.NET.Data;

namespace RiskOps.Etl.Lake;

/// <summary>Opens in-process DuckDB connections the way this machine needs them (no extension downloads).</summary>
internal static class DuckDb
{
    public static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:;autoinstall_known_extensions=false;autoload_known_extensions=true");
        connection.Open();
        using var command = connection.CreateCommand();
        // Derive every date in UTC, whatever the machine's zone.
        command.CommandText = "set TimeZone = 'UTC'";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A SQL string literal (paths cannot be bound as parameters inside table functions on every DuckDB build).</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
