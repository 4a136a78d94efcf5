using System.Reflection;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Jobs;

/// <summary>
/// Every configuration key the code binds, collected from the options classes (each declares a <c>SectionName</c>
/// constant) plus the few keys read directly. Deployment files are checked against it, so an environment variable
/// that configures nothing (a typo, a renamed option) fails a test instead of silently doing nothing.
/// </summary>
public static class ConfigurationCatalog
{
    /// <summary>Keys read without an options class.</summary>
    public static IReadOnlyList<string> DirectKeys { get; } =
    [
        HangfireStorage.ConnectionStringKey,
        // Read once while the web app is composed (the first admin's password, contract §3).
        "Auth:AdminPassword",
        // Host settings read by ASP.NET Core / the generic host (ASPNETCORE_URLS, DOTNET_ENVIRONMENT, ...).
        "urls",
        "environment",
        // The host's own host filter (a Host header outside the list gets 400).
        "AllowedHosts",
        // Reverse-proxy support (ProxyExtensions) and the key ring's folder (AuthExtensions), read while composing.
        "Proxy:KnownProxies",
        "Proxy:KnownNetworks",
        "Proxy:ForwardLimit",
        "DataProtection:KeysFolder",
    ];

    /// <summary>Key prefixes whose children are open-ended (logging categories).</summary>
    public static IReadOnlyList<string> OpenPrefixes { get; } = ["Logging:"];

    /// <summary>The project's assemblies that hold options classes.</summary>
    public static IReadOnlyList<Assembly> ProjectAssemblies()
    {
        var anchors = new[] { typeof(LakeOptions).Assembly, typeof(JobsOptions).Assembly };
        // Referenced RiskOps.* assemblies (sql, reports) without naming their types here.
        var referenced = typeof(JobsOptions).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name?.StartsWith("RiskOps.", StringComparison.Ordinal) == true)
            .Select(Assembly.Load);
        return anchors.Concat(referenced).Distinct().ToList();
    }

    /// <summary>All keys (<c>Section:Property</c>) of options classes in <paramref name="assemblies"/> plus <see cref="DirectKeys"/>.</summary>
    public static IReadOnlySet<string> Keys(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        var keys = new SortedSet<string>(DirectKeys, StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(SafeTypes))
        {
            var section = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
            if (section is not { IsLiteral: true } || section.GetRawConstantValue() is not string name)
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                keys.Add($"{name}:{property.Name}");
            }
        }

        return keys;
    }

    /// <summary>True when <paramref name="key"/> (a configuration path, any case) is bound by the code.</summary>
    public static bool IsKnown(IReadOnlySet<string> keys, string key)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(key);
        // Array-valued options are bound from Key:0, Key:1, ...
        var trimmed = System.Text.RegularExpressions.Regex.Replace(key, @"(:\d+)+$", string.Empty);
        return keys.Contains(trimmed) || OpenPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The configuration key an environment variable sets: <c>__</c> becomes <c>:</c>, and the host prefixes
    /// <c>ASPNETCORE_</c> / <c>DOTNET_</c> are dropped.
    /// </summary>
    public static string FromEnvironmentVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var prefix in new[] { "ASPNETCORE_", "DOTNET_" })
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        return name.Replace("__", ":", StringComparison.Ordinal);
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
