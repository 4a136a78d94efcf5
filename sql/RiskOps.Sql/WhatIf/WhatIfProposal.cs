using System.Globalization;
using RiskOps.Sql.Model;

namespace RiskOps.Sql.WhatIf;

/// <summary>A proposed threshold for one case type (<c>--propose CASE_TYPE=T</c>).</summary>
/// <param name="CaseType">The case type as typed (resolved against the lake by the warehouse).</param>
/// <param name="Threshold">T in [0, 1], on the 0.01 grid.</param>
public sealed record WhatIfProposal(string CaseType, double Threshold)
{
    /// <summary>
    /// Parses <c>CASE_TYPE=T</c>. T is a decimal number in [0, 1] with at most two decimals (the what-if counts are per
    /// confidence percent). Throws <see cref="InvalidFilterException"/> with one line naming what is wrong.
    /// </summary>
    public static WhatIfProposal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq != text.LastIndexOf('=') || eq == text.Length - 1)
        {
            throw new InvalidFilterException($"--propose '{text}' is not CASE_TYPE=T (e.g. ATO=0.92)");
        }

        var caseType = text[..eq].Trim();
        return new WhatIfProposal(caseType, ParseThreshold(text[(eq + 1)..], $"--propose {caseType}"));
    }

    /// <summary>Parses a threshold T in [0, 1] with at most two decimals; <paramref name="what"/> names it in the error.</summary>
    public static double ParseThreshold(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t))
        {
            throw new InvalidFilterException($"{what}: threshold '{value}' is not a number between 0 and 1 (e.g. 0.92)");
        }

        if (t is < 0 or > 1)
        {
            throw new InvalidFilterException($"{what}: threshold {value} is outside [0, 1]");
        }

        var k = Math.Round(t * 100);
        if (Math.Abs(t * 100 - k) > 1e-9)
        {
            throw new InvalidFilterException(
                $"{what}: threshold {value} has more than two decimals; the what-if projects on the 0.01 grid (e.g. {(Math.Floor(t * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture)} or {(Math.Ceiling(t * 100) / 100).ToString("0.00", CultureInfo.InvariantCulture)})");
        }

        return k / 100.0;
    }

    /// <summary>Parses several proposals; the same case type twice (ignoring case) is an error.</summary>
    public static IReadOnlyList<WhatIfProposal> ParseAll(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var proposals = texts.Select(Parse).ToList();
        var twice = proposals.GroupBy(p => p.CaseType, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? proposals : throw new InvalidFilterException($"--propose names case type {twice.Key} more than once");
    }
}
