using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>Threshold sweep per case type.</summary>
    public ThresholdReport GetThresholds(MetricFilters filters) => throw new NotImplementedException();

    /// <summary>FP/FN pattern clusters per case type and error label.</summary>
    public ClusterReport GetClusters(MetricFilters filters) => throw new NotImplementedException();
}
