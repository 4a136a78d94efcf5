using System.Collections.Concurrent;
using System.Reflection;

namespace RiskOps.Sql;

/// <summary>
/// The one place SQL is loaded from: the embedded <c>views/*.sql</c>, <c>metrics/*.sql</c> and <c>rollups/*.sql</c>
/// files, by file name without extension (<c>SqlScripts.Get("cases")</c>).
/// </summary>
public static class SqlScripts
{
    private const string Prefix = "RiskOps.Sql.";
    private static readonly Assembly Assembly = typeof(SqlScripts).Assembly;
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>The names of every embedded script.</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".sql".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The text of the script <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No embedded script has that name.</exception>
    public static string Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = Assembly.GetManifestResourceStream($"{Prefix}{n}.sql")
            ?? throw new ArgumentException($"unknown SQL script '{n}' (known: {string.Join(", ", Names)})", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
