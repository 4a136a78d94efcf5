using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;

namespace RiskOps.Sql.Tests.Support;

/// <summary>
/// A small lake on disk built from C# rows, in the layout of the common brief:
/// <c>&lt;root&gt;/&lt;kind&gt;/dt=YYYY-MM-DD/part-&lt;batch&gt;-….parquet</c> with the exact lake column types
/// (timestamps TIMESTAMPTZ, signals VARCHAR[], lineage columns). Written by DuckDB <c>COPY … TO</c>, one set of files per batch.
/// Deleted on dispose.
/// </summary>
public sealed class TestLake : IDisposable
{
    public TestLake()
    {
        Root = Path.Combine(Path.GetTempPath(), "riskops-sql-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The lake's root folder.</summary>
    public string Root { get; }

    /// <summary>Builds a lake from <paramref name="data"/>.</summary>
    public static TestLake Create(LakeData data)
    {
        var lake = new TestLake();
        lake.Write(data);
        return lake;
    }

    /// <summary>Writes every kind of <paramref name="data"/> (adds files; earlier files stay).</summary>
    public void Write(LakeData data)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false");
        connection.Open();
        Execute(connection, "set TimeZone = 'UTC'");
        // Decisions without any experiment are written without its columns, as files from before contract v2 are.
        var withExperiments = data.Decisions.Where(d => d.Experiment is not null || d.Variant is not null).Select(d => d.BatchId).ToHashSet(StringComparer.Ordinal);
        foreach (var experimentColumns in new[] { false, true })
        {
            var columns = experimentColumns ? Decisions + ", experiment: 'VARCHAR', variant: 'VARCHAR'" : Decisions;
            var rows = data.Decisions.Where(d => withExperiments.Contains(d.BatchId) == experimentColumns);
            WriteKind(connection, "decisions", "scored_at", columns, rows, d =>
            {
                var values = new Dictionary<string, object?>
                {
                    ["case_id"] = d.CaseId, ["case_type"] = d.CaseType, ["scored_at"] = Ts(d.ScoredAt), ["model_version"] = d.ModelVersion,
                    ["ai_decision"] = d.AiDecision, ["confidence"] = d.Confidence, ["threshold"] = d.Threshold, ["routing"] = d.Routing,
                    ["priority"] = d.Priority, ["user_id"] = d.UserId, ["signals"] = d.Signals, ["region"] = d.Region,
                };
                if (experimentColumns)
                {
                    values["experiment"] = d.Experiment;
                    values["variant"] = d.Variant;
                }

                return values;
            });
        }

        WriteKind(connection, "reviews", "assigned_at", Reviews, data.Reviews, r => new Dictionary<string, object?>
        {
            ["review_id"] = r.ReviewId, ["case_id"] = r.CaseId, ["reviewer_id"] = r.ReviewerId, ["reviewer_org"] = r.ReviewerOrg,
            ["vendor"] = r.Vendor, ["reviewer_tier"] = r.ReviewerTier, ["assigned_at"] = Ts(r.AssignedAt),
            ["resolved_at"] = r.ResolvedAt is { } t ? Ts(t) : null, ["decision"] = r.Decision, ["rationale"] = r.Rationale,
        });
        WriteKind(connection, "labels", "labeled_at", Labels, data.Labels, l => new Dictionary<string, object?>
        {
            ["case_id"] = l.CaseId, ["label"] = l.Label, ["label_source"] = l.LabelSource, ["sample_weight"] = l.SampleWeight,
            ["root_cause_type"] = l.RootCauseType, ["root_cause_code"] = l.RootCauseCode, ["annotation"] = l.Annotation,
            ["annotation_flagged"] = l.AnnotationFlagged, ["labeled_by"] = l.LabeledBy, ["labeled_at"] = Ts(l.LabeledAt),
        });
        WriteKind(connection, "qa_audits", "audited_at", QaAudits, data.QaAudits, a => new Dictionary<string, object?>
        {
            ["audit_id"] = a.AuditId, ["review_id"] = a.ReviewId, ["auditor_id"] = a.AuditorId, ["audited_at"] = Ts(a.AuditedAt),
            ["verdict"] = a.Verdict, ["error_category"] = a.ErrorCategory,
        });
        WriteKind(connection, "sop_coverage", "updated_at", Sop, data.Sop, s => new Dictionary<string, object?>
        {
            ["case_type"] = s.CaseType, ["scenario_code"] = s.ScenarioCode, ["covered"] = s.Covered, ["sop_page"] = s.SopPage,
            ["sop_version"] = s.SopVersion, ["updated_at"] = Ts(s.UpdatedAt),
        });
        WriteKind(connection, "quarantine", "ingested_at", Quarantine, data.Quarantine, q => new Dictionary<string, object?>
        {
            ["kind"] = q.Kind, ["line"] = q.Line, ["reason"] = q.Reason, ["raw"] = q.Raw,
        }, lineageHasLine: false);
    }

    /// <summary>A path inside the lake.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A reader still holding a file open on a slow machine must not fail the test that owns the lake.
        }
    }

    private const string Lineage = "ingested_at: 'TIMESTAMPTZ', batch_id: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT', record_hash: 'VARCHAR'";

    private const string Decisions = "case_id: 'VARCHAR', case_type: 'VARCHAR', scored_at: 'TIMESTAMPTZ', model_version: 'VARCHAR', ai_decision: 'VARCHAR', confidence: 'DOUBLE', threshold: 'DOUBLE', routing: 'VARCHAR', priority: 'INTEGER', user_id: 'VARCHAR', signals: 'VARCHAR[]', region: 'VARCHAR'";

    private const string Reviews = "review_id: 'VARCHAR', case_id: 'VARCHAR', reviewer_id: 'VARCHAR', reviewer_org: 'VARCHAR', vendor: 'VARCHAR', reviewer_tier: 'VARCHAR', assigned_at: 'TIMESTAMPTZ', resolved_at: 'TIMESTAMPTZ', decision: 'VARCHAR', rationale: 'VARCHAR'";

    private const string Labels = "case_id: 'VARCHAR', label: 'VARCHAR', label_source: 'VARCHAR', sample_weight: 'DOUBLE', root_cause_type: 'VARCHAR', root_cause_code: 'VARCHAR', annotation: 'VARCHAR', annotation_flagged: 'BOOLEAN', labeled_by: 'VARCHAR', labeled_at: 'TIMESTAMPTZ'";

    private const string QaAudits = "audit_id: 'VARCHAR', review_id: 'VARCHAR', auditor_id: 'VARCHAR', audited_at: 'TIMESTAMPTZ', verdict: 'VARCHAR', error_category: 'VARCHAR'";

    private const string Sop = "case_type: 'VARCHAR', scenario_code: 'VARCHAR', covered: 'BOOLEAN', sop_page: 'VARCHAR', sop_version: 'VARCHAR', updated_at: 'TIMESTAMPTZ'";

    private const string Quarantine = "kind: 'VARCHAR', line: 'BIGINT', reason: 'VARCHAR', raw: 'VARCHAR'";

    private void WriteKind<T>(DuckDBConnection connection, string kind, string partitionColumn, string columns, IEnumerable<T> rows,
        Func<T, Dictionary<string, object?>> fields, bool lineageHasLine = true)
        where T : LakeRow
    {
        foreach (var batch in rows.GroupBy(r => r.BatchId))
        {
            var json = Path.Combine(Root, $"_tmp-{Guid.NewGuid():N}.ndjson");
            var text = new StringBuilder();
            foreach (var row in batch)
            {
                var values = fields(row);
                values["ingested_at"] = Ts(row.IngestedAt);
                values["batch_id"] = row.BatchId;
                values["source"] = row.Source;
                if (lineageHasLine)
                {
                    values["source_line"] = row.SourceLine;
                    values["record_hash"] = $"{row.BatchId}:{row.SourceLine}";
                }

                text.Append(JsonSerializer.Serialize(values)).Append('\n');
            }

            File.WriteAllText(json, text.ToString());
            var allColumns = lineageHasLine
                ? $"{columns}, {Lineage}"
                : $"{columns}, ingested_at: 'TIMESTAMPTZ', batch_id: 'VARCHAR', source: 'VARCHAR'";
            var target = Path.Combine(Root, kind).Replace("'", "''", StringComparison.Ordinal);
            var pattern = $"part-{batch.Key}-{{uuid}}".Replace("'", "''", StringComparison.Ordinal);
            // dt is the UTC date of the kind's partition timestamp, derived without any time zone setting.
            var source = json.Replace("'", "''", StringComparison.Ordinal);
            Execute(connection,
                "copy (select *, make_timestamp(epoch_us(" + partitionColumn + "))::date as dt "
                + "from read_json('" + source + "', format = 'newline_delimited', columns = {" + allColumns + "})) "
                + "to '" + target + "' (format parquet, partition_by (dt), append, filename_pattern '" + pattern + "')");
            File.Delete(json);
        }
    }

    private static string Ts(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
