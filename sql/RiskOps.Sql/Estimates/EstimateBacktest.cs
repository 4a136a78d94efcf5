using DuckDB.NET.Data;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;

namespace RiskOps.Sql.Estimates;

/// <summary>
/// One past week of the estimate backtest (issue 15 item 5): the population estimate as it could be computed at the
/// week's end (labels ingested by then), the labelled figure known then, and the labelled figure measured now.
/// </summary>
public sealed class BacktestWeek
{
    /// <summary>The UTC ISO week.</summary>
    public required string Week { get; init; }

    /// <summary>When the estimate is taken: the Monday 00:00 UTC after the week (labels ingested by then count).</summary>
    public DateTimeOffset KnownAt { get; init; }

    /// <summary>Decided cases of the week in scope.</summary>
    public long Decisions { get; init; }

    /// <summary>Of them, labelled by <see cref="KnownAt"/> (by <c>ingested_at</c>).</summary>
    public long LabeledThen { get; init; }

    /// <summary>Of them, labelled now.</summary>
    public long LabeledNow { get; init; }

    /// <summary>Label completeness at <see cref="KnownAt"/>.</summary>
    public double? LabelCompletenessThen { get; init; }

    /// <summary>Label completeness now.</summary>
    public double? LabelCompletenessNow { get; init; }

    /// <summary>precision_est as known then.</summary>
    public double? PrecisionEstThen { get; init; }

    /// <summary>Precision over the labels known then (what a team looking only at labelled cases saw).</summary>
    public double? PrecisionMeasuredThen { get; init; }

    /// <summary>Its n (TP+FP labelled then).</summary>
    public long PrecisionMeasuredThenN { get; init; }

    /// <summary>Precision over every latest label now (the figure the estimate is judged against).</summary>
    public double? PrecisionMeasuredNow { get; init; }

    /// <summary>Its n.</summary>
    public long PrecisionMeasuredNowN { get; init; }

    /// <summary>precision_est then − measured now (null when either is null).</summary>
    public double? PrecisionEstError { get; init; }

    /// <summary>measured then − measured now.</summary>
    public double? PrecisionMeasuredThenError { get; init; }

    /// <summary>recall_est as known then.</summary>
    public double? RecallEstThen { get; init; }

    /// <summary>Recall over the labels known then.</summary>
    public double? RecallMeasuredThen { get; init; }

    /// <summary>Its n (TP+FN labelled then).</summary>
    public long RecallMeasuredThenN { get; init; }

    /// <summary>Recall over every latest label now.</summary>
    public double? RecallMeasuredNow { get; init; }

    /// <summary>Its n.</summary>
    public long RecallMeasuredNowN { get; init; }

    /// <summary>recall_est then − measured now.</summary>
    public double? RecallEstError { get; init; }

    /// <summary>measured then − measured now.</summary>
    public double? RecallMeasuredThenError { get; init; }

    /// <summary>accuracy_est as known then.</summary>
    public double? AccuracyEstThen { get; init; }

    /// <summary>Accuracy over every latest label now.</summary>
    public double? AccuracyMeasuredNow { get; init; }

    /// <summary>accuracy_est then − measured now.</summary>
    public double? AccuracyEstError { get; init; }
}

/// <summary>The answer of <c>riskops backtest</c>: one row per complete week in scope, oldest first.</summary>
public sealed class BacktestReport
{
    /// <summary>The as-of: weeks that ended after it are left out (not complete).</summary>
    public DateTimeOffset AsOf { get; init; }

    /// <summary>The weeks.</summary>
    public IReadOnlyList<BacktestWeek> Weeks { get; init; } = [];

    /// <summary>Mean |precision_est then − measured now| over weeks with both (null when none).</summary>
    public double? PrecisionEstMeanAbsError { get; init; }

    /// <summary>Mean |precision measured then − measured now| (what steering on labelled cases alone would have missed).</summary>
    public double? PrecisionMeasuredThenMeanAbsError { get; init; }

    /// <summary>Mean |recall_est then − measured now|.</summary>
    public double? RecallEstMeanAbsError { get; init; }

    /// <summary>Mean |recall measured then − measured now|.</summary>
    public double? RecallMeasuredThenMeanAbsError { get; init; }
}

/// <summary>Turns <c>estimates_backtest.sql</c> rows into the report.</summary>
public static class BacktestAssembler
{
    /// <summary>The report of the rows' weeks.</summary>
    public static BacktestReport Assemble(IEnumerable<IReadOnlyDictionary<string, object?>> rows, DateTimeOffset asOf, Func<object?, long> toLong, Func<object?, double?> toDouble)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var weeks = rows.Select(r =>
        {
            var decisions = toLong(r["decisions"]);
            long tpThen = toLong(r["tp_then"]), fpThen = toLong(r["fp_then"]), fnThen = toLong(r["fn_then"]);
            long tpNow = toLong(r["tp_now"]), fpNow = toLong(r["fp_now"]), fnNow = toLong(r["fn_now"]);
            double eTp = toDouble(r["e_tp"]) ?? 0, eFp = toDouble(r["e_fp"]) ?? 0, eFn = toDouble(r["e_fn"]) ?? 0, eCorrect = toDouble(r["e_correct"]) ?? 0;
            var labeledNow = toLong(r["labeled_now"]);
            var precisionEst = AbStatistics.Ratio(eTp, eTp + eFp);
            var precisionThen = AbStatistics.Ratio(tpThen, tpThen + fpThen);
            var precisionNow = AbStatistics.Ratio(tpNow, tpNow + fpNow);
            var recallEst = AbStatistics.Ratio(eTp, eTp + eFn);
            var recallThen = AbStatistics.Ratio(tpThen, tpThen + fnThen);
            var recallNow = AbStatistics.Ratio(tpNow, tpNow + fnNow);
            var accuracyEst = AbStatistics.Ratio(eCorrect, decisions);
            var accuracyNow = AbStatistics.Ratio(toLong(r["correct_now"]), labeledNow);
            var week = (string)r["week"]!;
            return new BacktestWeek
            {
                Week = week,
                KnownAt = WeekEnd(week),
                Decisions = decisions,
                LabeledThen = toLong(r["labeled_then"]),
                LabeledNow = labeledNow,
                LabelCompletenessThen = AbStatistics.Ratio(toLong(r["labeled_then"]), decisions),
                LabelCompletenessNow = AbStatistics.Ratio(labeledNow, decisions),
                PrecisionEstThen = precisionEst,
                PrecisionMeasuredThen = precisionThen,
                PrecisionMeasuredThenN = tpThen + fpThen,
                PrecisionMeasuredNow = precisionNow,
                PrecisionMeasuredNowN = tpNow + fpNow,
                PrecisionEstError = precisionEst - precisionNow,
                PrecisionMeasuredThenError = precisionThen - precisionNow,
                RecallEstThen = recallEst,
                RecallMeasuredThen = recallThen,
                RecallMeasuredThenN = tpThen + fnThen,
                RecallMeasuredNow = recallNow,
                RecallMeasuredNowN = tpNow + fnNow,
                RecallEstError = recallEst - recallNow,
                RecallMeasuredThenError = recallThen - recallNow,
                AccuracyEstThen = accuracyEst,
                AccuracyMeasuredNow = accuracyNow,
                AccuracyEstError = accuracyEst - accuracyNow,
            };
        }).ToList();
        return new BacktestReport
        {
            AsOf = asOf,
            Weeks = weeks,
            PrecisionEstMeanAbsError = MeanAbs(weeks.Select(w => w.PrecisionEstError)),
            PrecisionMeasuredThenMeanAbsError = MeanAbs(weeks.Select(w => w.PrecisionMeasuredThenError)),
            RecallEstMeanAbsError = MeanAbs(weeks.Select(w => w.RecallEstError)),
            RecallMeasuredThenMeanAbsError = MeanAbs(weeks.Select(w => w.RecallMeasuredThenError)),
        };
    }

    private static double? MeanAbs(IEnumerable<double?> errors)
    {
        var values = errors.Where(e => e is not null).Select(e => Math.Abs(e!.Value)).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    /// <summary>The Monday 00:00 UTC after an ISO week label.</summary>
    private static DateTimeOffset WeekEnd(string week) =>
        new(System.Globalization.ISOWeek.ToDateTime(int.Parse(week[..4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(week[6..], System.Globalization.CultureInfo.InvariantCulture), DayOfWeek.Monday).AddDays(7), TimeSpan.Zero);
}
