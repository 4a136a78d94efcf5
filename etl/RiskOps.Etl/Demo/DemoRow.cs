using System.Collections;
using System.Diagnostics.CodeAnalysis;
using RiskOps.Etl.Contract;

namespace RiskOps.Etl.Demo;

/// <summary>
/// One generated record: a read-only dictionary over a shared, ordered field list, so a million rows do not carry a
/// million hash tables. Field order is the contract's order for the kind.
/// </summary>
public sealed class DemoRow : IReadOnlyDictionary<string, object?>
{
    private readonly DemoFields _fields;
    private readonly object?[] _values;

    internal DemoRow(RecordKind kind, DemoFields fields, object?[] values)
    {
        Kind = kind;
        _fields = fields;
        _values = values;
    }

    /// <summary>The record kind.</summary>
    public RecordKind Kind { get; }

    /// <summary>The field names, in contract order.</summary>
    public IReadOnlyList<string> FieldNames => _fields.Names;

    /// <summary>The values, in the order of <see cref="FieldNames"/>.</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <inheritdoc />
    public object? this[string key] => _fields.TryIndex(key, out var i) ? _values[i] : throw new KeyNotFoundException(key);

    /// <inheritdoc />
    public IEnumerable<string> Keys => _fields.Names;

    /// <inheritdoc />
    IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => _values;

    /// <inheritdoc />
    public int Count => _values.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _fields.TryIndex(key, out _);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (_fields.TryIndex(key, out var i))
        {
            value = _values[i];
            return true;
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            yield return new KeyValuePair<string, object?>(_fields.Names[i], _values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The ordered field names of one kind and a name → index lookup shared by all rows of that kind.</summary>
internal sealed class DemoFields
{
    private readonly Dictionary<string, int> _index;

    public DemoFields(params string[] names)
    {
        Names = names;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            _index[names[i]] = i;
        }
    }

    public string[] Names { get; }

    public bool TryIndex(string name, out int index) => _index.TryGetValue(name, out index);

    public static DemoFields For(RecordKind kind) => kind switch
    {
        RecordKind.Decisions => Decisions,
        RecordKind.Reviews => Reviews,
        RecordKind.Labels => Labels,
        RecordKind.QaAudits => QaAudits,
        RecordKind.SopCoverage => SopCoverage,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    public static readonly DemoFields Decisions = new(
        "case_id", "case_type", "scored_at", "model_version", "ai_decision", "confidence", "threshold", "routing", "priority", "user_id", "signals", "region", "experiment", "variant");

    public static readonly DemoFields Reviews = new(
        "review_id", "case_id", "reviewer_id", "reviewer_org", "vendor", "reviewer_tier", "assigned_at", "resolved_at", "decision", "rationale");

    public static readonly DemoFields Labels = new(
        "case_id", "label", "label_source", "sample_weight", "root_cause_type", "root_cause_code", "annotation", "labeled_by", "labeled_at");

    public static readonly DemoFields QaAudits = new(
        "audit_id", "review_id", "auditor_id", "audited_at", "verdict", "error_category");

    public static readonly DemoFields SopCoverage = new(
        "case_type", "scenario_code", "covered", "sop_page", "sop_version", "updated_at");
}
