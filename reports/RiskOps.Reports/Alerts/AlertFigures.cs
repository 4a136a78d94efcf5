using System.Text.Json;
using RiskOps.Sql;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Alerts;

/// <summary>The figures rules are judged on. One instance serves one evaluation run.</summary>
public interface IAlertFigures : IDisposable
{
    /// <summary>Metrics for UTC scored dates <paramref name="from"/>..<paramref name="to"/> (overall and by case type).</summary>
    MetricsReport Metrics(DateOnly from, DateOnly to, DateTimeOffset asOf);

    /// <summary>SLA breaches per case type whose deadline fell in (from, to].</summary>
    IReadOnlyList<(string CaseType, long Breaches)> SlaBreaches(DateTimeOffset from, DateTimeOffset to);

    /// <summary>Records and quarantined records of the batches published in (from, to] that the figures include.</summary>
    (long Records, long Quarantined) Quarantine(DateTimeOffset from, DateTimeOffset to);

    /// <summary>The publish time of the latest batch the figures include (null when none), and whether the lake has any batch.</summary>
    (DateTimeOffset? DataThrough, bool LakeHasData) Freshness();

    /// <summary>The A/B comparisons.</summary>
    ExperimentReport Experiments(DateTimeOffset asOf);
}

/// <summary>
/// Figures from the lake's published rollup (the live read model, as the dashboard serves it): a warehouse with
/// <see cref="Warehouse.ServePublishedRollup"/> on, and the manifest log for batch counts.
/// </summary>
public sealed class WarehouseAlertFigures : IAlertFigures
{
    private readonly Warehouse _warehouse;
    private readonly Dictionary<(DateOnly, DateOnly), MetricsReport> _metrics = [];

    /// <summary>Opens the lake at <paramref name="lakeRoot"/>.</summary>
    public WarehouseAlertFigures(string lakeRoot)
    {
        _warehouse = Warehouse.Open(lakeRoot);
        _warehouse.ServePublishedRollup = true;
    }

    /// <inheritdoc />
    public MetricsReport Metrics(DateOnly from, DateOnly to, DateTimeOffset asOf)
    {
        if (!_metrics.TryGetValue((from, to), out var report))
        {
            report = _warehouse.GetMetrics(new MetricFilters { From = from, To = to }, asOf, MetricsDetail.Overview);
            _metrics[(from, to)] = report;
        }

        return report;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string CaseType, long Breaches)> SlaBreaches(DateTimeOffset from, DateTimeOffset to) => _warehouse.GetSlaBreaches(from, to);

    /// <inheritdoc />
    public (long Records, long Quarantined) Quarantine(DateTimeOffset from, DateTimeOffset to)
    {
        var included = _warehouse.LatestPublishedRollup()?.LakeVersion ?? 0;
        var batches = ManifestLog.Read(_warehouse.LakeRoot)
            .Where(b => b.LakeVersion <= included && b.PublishedAt > from && b.PublishedAt <= to)
            .Select(b => b.BatchId)
            .ToHashSet(StringComparer.Ordinal);
        long records = 0, quarantined = 0;
        var folder = Path.Combine(_warehouse.LakeRoot, ManifestLog.Folder);
        foreach (var id in batches)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, id + ".json")));
                records += Count(document.RootElement, "records");
                quarantined += Count(document.RootElement, "quarantined");
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                // A manifest being replaced: counted on the next run.
            }
        }

        return (records, quarantined);
    }

    /// <inheritdoc />
    public (DateTimeOffset? DataThrough, bool LakeHasData) Freshness()
    {
        var freshness = _warehouse.Freshness();
        return (freshness.RollupDataThrough, freshness.LakeVersion > 0);
    }

    /// <inheritdoc />
    public ExperimentReport Experiments(DateTimeOffset asOf) => _warehouse.GetExperiments(MetricFilters.None, asOf);

    /// <inheritdoc />
    public void Dispose() => _warehouse.Dispose();

    private static long Count(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
