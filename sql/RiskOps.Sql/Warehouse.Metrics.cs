using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>The per-slice metric files; each returns (dimension, slice, figures...) with MetricSet's snake_case names.</summary>
    internal static readonly IReadOnlyList<string> SliceMetricNames =
        ["confusion", "resolution", "decision_accuracy", "reviewer_agreement", "key_user_escalation", "calibration_error", "estimates"];

    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> ColumnMaps = new();

    /// <summary>
    /// Builds the report from the in-scope aggregates (call inside <see cref="WithAggregates{T}"/>); the data-quality
    /// counts come from <paramref name="rollup"/> when the aggregates were read from it, else from the raw views.
    /// </summary>
    private MetricsReport BuildReport(MetricFilters filters, DateTimeOffset asOf, string? rollup, MetricsDetail detail)
    {
        var slices = new Dictionary<(string Dimension, string? Slice), MetricSet>();
        MetricSet SliceOf(string dimension, string? slice)
        {
            if (!slices.TryGetValue((dimension, slice), out var set))
            {
                set = new MetricSet();
                switch (dimension)
                {
                    case "case_type": set.CaseType = slice; break;
                    case "week": set.Week = slice; break;
                    case "model_version": set.ModelVersion = slice; break;
                    case "region": set.Region = slice; break;
                }

                slices[(dimension, slice)] = set;
            }

            return set;
        }

        // Every statement of the report, the slowest first. Over a bound rollup they are kept prepared (planned once per
        // version) and answered side by side on the rollup connections; over raw data each runs once, in order.
        var caseTypeParameter = FilterParameters(filters).Single(p => p.ParameterName == "case_types");
        const string DataQuality = "data_quality";
        var jobs = new List<(string Name, DuckDBParameter[] Parameters)>();
        if (detail == MetricsDetail.Full)
        {
            jobs.Add(("resolution_quantiles", []));
            jobs.Add(("quality", []));
        }

        jobs.Add(("resolution", [AsOfParameter(asOf)]));
        jobs.AddRange(new[] { "reliability", "calibration_error", "confusion", "estimates", "sop_gaps", "decision_accuracy", "key_user_escalation", "reviewer_agreement" }
            .Select(name => (name, Array.Empty<DuckDBParameter>())));
        jobs.Add(("sop_coverage_by_case_type", [caseTypeParameter]));
        jobs.Add((DataQuality, []));
        string Text(string name) => name == DataQuality && rollup is not null
            ? $"select * from read_parquet('{Quote(Path.Combine(rollup, "data_quality.parquet"))}')"
            : SqlScripts.Get(name);
        var answers = rollup is null
            ? jobs.Select(j => ReadRows(Text(j.Name), j.Parameters)).ToArray()
            : ReadRowsConcurrently(jobs.Select(j => (Text(j.Name), j.Parameters)).ToList());
        var rows = jobs.Select((j, i) => (j.Name, Rows: answers[i])).ToDictionary(a => a.Name, a => a.Rows, StringComparer.Ordinal);

        // Filled in the fixed order of the slice files, whatever order the statements finished in.
        foreach (var name in detail == MetricsDetail.Full ? SliceMetricNames.Append("resolution_quantiles") : SliceMetricNames)
        {
            foreach (var row in rows[name])
            {
                Fill(SliceOf((string)row["dimension"]!, (string?)row["slice"]), row);
            }
        }

        var report = new MetricsReport
        {
            AsOf = asOf.ToUniversalTime(),
            Overall = SliceOf("overall", null),
        };

        foreach (var row in rows["sop_coverage_by_case_type"])
        {
            var caseType = (string?)row["case_type"];
            var set = caseType is null ? report.Overall : slices.GetValueOrDefault(("case_type", caseType));
            if (caseType is not null)
            {
                report.SopCoverage.Add(Map<SopCoverageRow>(row));
            }

            if (set is not null)
            {
                set.SopScenarios = ToLong(row["scenarios"]);
                set.SopCoverage = ToDouble(row["coverage"]);
            }
        }

        report.ByCaseType = Dimension(slices, "case_type");
        report.ByWeek = Dimension(slices, "week");
        report.ByModelVersion = Dimension(slices, "model_version");
        report.ByRegion = Dimension(slices, "region");
        WeekOverWeek(report.ByWeek);

        if (detail == MetricsDetail.Full)
        {
            report.Quality = rows["quality"].Select(Map<QualityRow>).ToList();
        }
        report.Reliability = rows["reliability"].Select(Map<ReliabilityBin>).ToList();
        report.SopGaps = rows["sop_gaps"].Select(Map<SopGap>).ToList();
        report.DataQuality = Map<DataQuality>(rows[DataQuality].Single());
        return report;
    }

    /// <summary>The as-of instant as <c>$as_of_us</c>, epoch microseconds (no time zone in play).</summary>
    internal static DuckDBParameter AsOfParameter(DateTimeOffset asOf) =>
        new("as_of_us", (asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);

    private static List<MetricSet> Dimension(Dictionary<(string Dimension, string? Slice), MetricSet> slices, string dimension) =>
        slices.Where(s => s.Key.Dimension == dimension)
            .OrderBy(s => s.Key.Slice is null ? 1 : 0).ThenBy(s => s.Key.Slice, StringComparer.Ordinal)
            .Select(s => s.Value)
            .ToList();

    /// <summary>
    /// Week-over-week change on each week's row: this week's figure minus the figure of the ISO week just before it
    /// (null when either is null or that week has no cases in scope).
    /// </summary>
    private static void WeekOverWeek(List<MetricSet> weeks)
    {
        var byWeek = weeks.Where(w => w.Week is not null).ToDictionary(w => w.Week!, StringComparer.Ordinal);
        foreach (var week in weeks)
        {
            if (week.Week is null || !TryParseWeek(week.Week, out var monday)
                || !byWeek.TryGetValue(FormatWeek(monday.AddDays(-7)), out var previous))
            {
                continue;
            }

            week.PrecisionWow = Delta(week.Precision, previous.Precision);
            week.RecallWow = Delta(week.Recall, previous.Recall);
            week.F1Wow = Delta(week.F1, previous.F1);
            week.AccuracyWow = Delta(week.Accuracy, previous.Accuracy);
            week.AutomationRateWow = Delta(week.AutomationRate, previous.AutomationRate);
            week.SlaComplianceWow = Delta(week.SlaCompliance, previous.SlaCompliance);
            week.DecisionAccuracyWow = Delta(week.DecisionAccuracy, previous.DecisionAccuracy);
            week.EceWow = Delta(week.Ece, previous.Ece);
        }
    }

    private static double? Delta(double? current, double? previous) => current - previous;

    /// <summary>Formats the ISO week of a UTC date as <c>YYYY-Www</c>.</summary>
    internal static string FormatWeek(DateTime utcDate) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(utcDate)}-W{ISOWeek.GetWeekOfYear(utcDate):D2}");

    /// <summary>Creates a DTO from a row: columns map to properties by their snake_case JSON name.</summary>
    internal static T Map<T>(Dictionary<string, object?> row)
        where T : new()
    {
        var target = new T();
        Fill(target, row);
        return target;
    }

    /// <summary>Copies the row's columns onto the properties with the same snake_case JSON name; other columns are ignored.</summary>
    internal static void Fill(object target, Dictionary<string, object?> row)
    {
        var map = ColumnMaps.GetOrAdd(target.GetType(), static type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(
                p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name),
                StringComparer.Ordinal));
        foreach (var (column, value) in row)
        {
            if (!map.TryGetValue(column, out var property))
            {
                continue;
            }

            var type = property.PropertyType;
            object? converted = type == typeof(long) ? ToLong(value)
                : type == typeof(int) ? (int)ToLong(value)
                : type == typeof(double?) ? ToDouble(value)
                : type == typeof(double) ? ToDouble(value) ?? 0
                : type == typeof(string) ? value?.ToString()
                : value;
            property.SetValue(target, converted);
        }
    }
}
