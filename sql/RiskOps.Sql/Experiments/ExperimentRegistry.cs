using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RiskOps.Sql.Experiments;

/// <summary>
/// The experiment registry (issue 15 item 2), configuration section <c>Experiments</c>: what each A/B experiment was
/// planned to be, so its guard rails (sample-ratio mismatch, days running, case types) can be checked against what the
/// lake shows. Environment form: <c>Experiments__Registry__0__Name=ato-threshold-2026-12</c>,
/// <c>…__CaseTypes__0=ATO</c>, <c>…__Split__control=0.5</c>, <c>…__Split__treatment=0.5</c>,
/// <c>…__Start=2026-12-01T00:00:00Z</c>, <c>…__Owner=risk-lead</c>.
/// </summary>
public sealed class ExperimentRegistryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Experiments";

    /// <summary>The configured experiments.</summary>
    /// <value>Default: none.</value>
    public List<RegisteredExperimentOptions> Registry { get; set; } = [];

    /// <summary>
    /// Whether the demo data's two experiments (<see cref="ExperimentRegistry.Demo"/>) are registered too, so the embedded
    /// default shows their guard rails; a configured entry of the same name replaces a demo entry.
    /// </summary>
    /// <value>Default: true (set <c>Experiments__IncludeDemo=false</c> in production).</value>
    public bool IncludeDemo { get; set; } = true;
}

/// <summary>One configured experiment, as bound from configuration (validated by <see cref="ExperimentRegistry.Validate"/>).</summary>
public sealed class RegisteredExperimentOptions
{
    /// <summary>The <c>experiment</c> value its decisions carry.</summary>
    public string? Name { get; set; }

    /// <summary>The case types the experiment runs on (upper-snake, at least one).</summary>
    public List<string> CaseTypes { get; set; } = [];

    /// <summary>Planned share of traffic per variant (must include <c>control</c>, at least two arms, shares &gt; 0 summing to 1).</summary>
    public Dictionary<string, double> Split { get; set; } = [];

    /// <summary>The start instant, ISO-8601 with an offset (<c>2026-12-01T00:00:00Z</c>).</summary>
    public string? Start { get; set; }

    /// <summary>Who decides on it (a name or team).</summary>
    public string? Owner { get; set; }
}

/// <summary>A validated registry entry.</summary>
/// <param name="Name">The experiment.</param>
/// <param name="CaseTypes">Its case types.</param>
/// <param name="Split">Planned share per variant (sums to 1).</param>
/// <param name="Start">Its start; null only for the built-in demo entries (the demo's period moves with its clock: the first decision seen counts).</param>
/// <param name="Owner">Its owner.</param>
public sealed record RegisteredExperiment(string Name, IReadOnlyList<string> CaseTypes, IReadOnlyDictionary<string, double> Split, DateTimeOffset? Start, string Owner);

/// <summary>The validated registry: configured entries plus, unless switched off, the demo's.</summary>
public sealed partial class ExperimentRegistry
{
    private readonly Dictionary<string, RegisteredExperiment> _entries;

    private ExperimentRegistry(IEnumerable<RegisteredExperiment> entries) =>
        _entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);

    /// <summary>No experiment registered.</summary>
    public static ExperimentRegistry Empty { get; } = new([]);

    /// <summary>
    /// The demo data's experiments (etl's <c>DemoExperiments</c>: RESET_2FA treatment worse, POA_REVIEW treatment
    /// better). Their split is the share the demo's assignment gives each arm on average; no start (the demo's span
    /// ends at its own clock's day), so the first decision in the lake counts as the start.
    /// </summary>
    public static IReadOnlyList<RegisteredExperiment> Demo { get; } =
    [
        new("reset2fa-threshold-2026-11", ["RESET_2FA"], new Dictionary<string, double> { ["control"] = 0.4, ["treatment"] = 0.6 }, null, "demo: 2FA operations lead"),
        new("poa-model-2026-11", ["POA_REVIEW"], new Dictionary<string, double> { ["control"] = 0.38, ["treatment"] = 0.62 }, null, "demo: model owner"),
    ];

    /// <summary>All entries, by name.</summary>
    public IReadOnlyCollection<RegisteredExperiment> Entries => _entries.Values;

    /// <summary>The entry of an experiment, or null when it is not registered.</summary>
    public RegisteredExperiment? Find(string experiment) => _entries.GetValueOrDefault(experiment);

    /// <summary>The registry of validated options (throws <see cref="ExperimentRegistryException"/> listing every problem).</summary>
    public static ExperimentRegistry From(ExperimentRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw new ExperimentRegistryException("invalid experiment registry (configuration section Experiments): " + string.Join("; ", errors));
        }

        var configured = options.Registry.Select(Entry).ToList();
        var demo = options.IncludeDemo ? Demo.Where(d => configured.All(c => c.Name != d.Name)) : [];
        return new ExperimentRegistry([.. configured, .. demo]);
    }

    /// <summary>The registry from a configuration's <c>Experiments</c> section (the CLI's environment).</summary>
    public static ExperimentRegistry From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new ExperimentRegistryOptions();
        try
        {
            configuration.GetSection(ExperimentRegistryOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new ExperimentRegistryException("invalid experiment registry (configuration section Experiments): " + ex.Message);
        }

        return From(options);
    }

    /// <summary>Every problem of the options, one clear phrase each, naming the entry (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(ExperimentRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Registry.Count; i++)
        {
            var e = options.Registry[i];
            var at = $"Registry:{i}" + (string.IsNullOrWhiteSpace(e.Name) ? "" : $" ({e.Name})");
            if (string.IsNullOrWhiteSpace(e.Name) || e.Name.Length > 256)
            {
                errors.Add($"{at}: Name is required (at most 256 characters)");
            }
            else if (!names.Add(e.Name))
            {
                errors.Add($"{at}: Name is registered twice");
            }

            if (e.CaseTypes.Count == 0)
            {
                errors.Add($"{at}: CaseTypes needs at least one case type");
            }

            errors.AddRange(e.CaseTypes.Where(t => !CaseTypePattern().IsMatch(t ?? "")).Select(t => $"{at}: case type '{t}' is not upper-snake (e.g. ATO, RESET_2FA)"));
            if (!e.Split.ContainsKey(ExperimentAssembler.Control) || e.Split.Count < 2)
            {
                errors.Add($"{at}: Split needs 'control' and at least one other variant");
            }

            if (e.Split.Any(s => !(s.Value > 0) || double.IsInfinity(s.Value)))
            {
                errors.Add($"{at}: every Split share must be above 0");
            }
            else if (e.Split.Count > 0 && Math.Abs(e.Split.Values.Sum() - 1) > 0.001)
            {
                errors.Add($"{at}: Split shares sum to {e.Split.Values.Sum().ToString("0.###", CultureInfo.InvariantCulture)}, not 1");
            }

            if (ParseStart(e.Start) is null)
            {
                errors.Add($"{at}: Start '{e.Start}' is not an ISO-8601 instant with an offset (e.g. 2026-12-01T00:00:00Z)");
            }

            if (string.IsNullOrWhiteSpace(e.Owner))
            {
                errors.Add($"{at}: Owner is required");
            }
        }

        return errors;
    }

    private static RegisteredExperiment Entry(RegisteredExperimentOptions e) =>
        new(e.Name!, [.. e.CaseTypes], new Dictionary<string, double>(e.Split, StringComparer.Ordinal), ParseStart(e.Start), e.Owner!);

    /// <summary>An instant with an explicit offset (<c>Z</c> or <c>+08:00</c>), as at ingest; null otherwise.</summary>
    private static DateTimeOffset? ParseStart(string? text) =>
        text is not null && OffsetPattern().IsMatch(text.Trim())
            && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            ? start.ToUniversalTime()
            : null;

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex CaseTypePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex OffsetPattern();
}

/// <summary>The experiment registry in configuration is broken; the message lists every problem.</summary>
public sealed class ExperimentRegistryException(string message) : Exception(message);

/// <summary>Validates <see cref="ExperimentRegistryOptions"/> on start (the web host refuses to start on a broken registry).</summary>
internal sealed class ExperimentRegistryValidation : IValidateOptions<ExperimentRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, ExperimentRegistryOptions options)
    {
        var errors = ExperimentRegistry.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => "Experiments:" + e));
    }
}

/// <summary>Registers the experiment registry.</summary>
public static class ExperimentRegistryServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ExperimentRegistryOptions"/> (section <c>Experiments</c>), validated on start, and the <see cref="ExperimentRegistry"/> built from it.</summary>
    public static IServiceCollection AddExperimentRegistry(this IServiceCollection services)
    {
        services.AddOptions<ExperimentRegistryOptions>().BindConfiguration(ExperimentRegistryOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExperimentRegistryOptions>, ExperimentRegistryValidation>();
        services.AddSingleton(sp => ExperimentRegistry.From(sp.GetRequiredService<IOptions<ExperimentRegistryOptions>>().Value));
        return services;
    }
}
