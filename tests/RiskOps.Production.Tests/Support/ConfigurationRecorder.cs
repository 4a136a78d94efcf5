using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Reflection;

namespace RiskOps.Production.Tests.Support;

/// <summary>
/// Observes which configuration keys a composed host actually reads: a provider that answers nothing but remembers
/// every key asked for, added as the last (first-consulted) source; then every options type the container knows is
/// resolved, which makes the binder read each property's key.
/// </summary>
public static class ConfigurationRecorder
{
    /// <summary>
    /// Keys read when every options type of <paramref name="assemblies"/> that <paramref name="services"/> configures is
    /// resolved (options types are found by reflection: any class the container has an <c>IConfigureOptions</c> for).
    /// </summary>
    public static IReadOnlySet<string> KeysRead(IServiceProvider services, IConfiguration configuration, IEnumerable<Assembly> assemblies)
    {
        var source = new RecordingSource();
        ((IConfigurationBuilder)configuration).Sources.Add(source);
        var candidates = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && t.GetConstructor(Type.EmptyTypes) is not null);
        foreach (var type in candidates)
        {
            var configures = (IEnumerable<object>?)services.GetService(typeof(IEnumerable<>).MakeGenericType(typeof(IConfigureOptions<>).MakeGenericType(type)));
            if (configures is null || !configures.Any())
            {
                continue;
            }

            var monitor = services.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(type));
            try
            {
                _ = monitor.GetType().GetProperty("CurrentValue")!.GetValue(monitor);
            }
            catch (TargetInvocationException)
            {
                // Validation failures do not matter here: the keys were read before validation ran.
            }
        }

        // Services that read configuration in their constructor (e.g. the user store's first admin password).
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            try
            {
                _ = services.GetService(type);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException or OptionsValidationException)
            {
                // Only the keys matter; a service that cannot start without real infrastructure is skipped.
            }
        }

        return source.Provider.Keys.Where(k => !k.Contains(RecordingProvider.Probe, StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class RecordingSource : IConfigurationSource
    {
        public RecordingProvider Provider { get; } = new();

        public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
    }

    private sealed class RecordingProvider : ConfigurationProvider
    {
        public const string Probe = "riskops-probe";

        public ConcurrentBag<string> Keys { get; } = [];

        // The binder walks an options class's properties only when its section has children: claim one everywhere.
        // Only a few levels deep and never under the probe itself, or self-similar types would recurse forever.
        public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
            parentPath is null || parentPath.Contains(Probe, StringComparison.Ordinal) || parentPath.Count(c => c == ':') >= 3
                ? earlierKeys
                : earlierKeys.Append(Probe);

        public override bool TryGet(string key, out string? value)
        {
            Keys.Add(key);
            value = null;
            return false;
        }
    }
}
