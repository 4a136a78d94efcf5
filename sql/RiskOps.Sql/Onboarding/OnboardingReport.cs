namespace RiskOps.Sql.Onboarding;

/// <summary>
/// One tenure bucket of one org and vendor: the reviews in it, decision accuracy (QA) of the audits of those reviews with
/// its 95 % Wilson interval, and overturn-correctness of the overturned, labeled final reviews in it.
/// </summary>
public sealed class OnboardingRow
{
    /// <summary><c>weeks</c> (weeks since the reviewer's first review) or <c>reviews</c> (the review's position in their history).</summary>
    public string Dimension { get; set; } = "weeks";

    /// <summary><c>INHOUSE</c> or <c>BPO</c>: the bucketed reviews' org.</summary>
    public string? Org { get; set; }

    /// <summary>The bucketed reviews' vendor (null for in-house reviews).</summary>
    public string? Vendor { get; set; }

    /// <summary>Weeks: <c>1</c>, <c>2</c>, <c>3</c>, <c>4</c>, <c>5-8</c>, <c>9+</c>; reviews: <c>1-50</c>, <c>51-100</c>, <c>101-200</c>, <c>201+</c>.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>1 for the first bucket of the dimension, rising with tenure.</summary>
    public int BucketOrder { get; set; }

    /// <summary>Distinct reviewers with an in-scope review in the bucket.</summary>
    public long Reviewers { get; set; }

    /// <summary>In-scope cases' reviews in the bucket (open, escalated and resolved).</summary>
    public long Reviews { get; set; }

    /// <summary>QA audits (latest per audit) of reviews in the bucket.</summary>
    public long QaAudits { get; set; }

    /// <summary>Of <see cref="QaAudits"/>, verdict <c>correct</c>.</summary>
    public long QaCorrect { get; set; }

    /// <summary>QA correct / QA audits; null without audits.</summary>
    public double? DecisionAccuracy { get; set; }

    /// <summary>95 % Wilson lower bound of <see cref="DecisionAccuracy"/>.</summary>
    public double? DecisionAccuracyLow { get; set; }

    /// <summary>95 % Wilson upper bound of <see cref="DecisionAccuracy"/>.</summary>
    public double? DecisionAccuracyHigh { get; set; }

    /// <summary>The n of <see cref="DecisionAccuracy"/>: QA audits.</summary>
    public long DecisionAccuracyN { get; set; }

    /// <summary>Resolved in-scope cases whose final review (in this bucket) overturned the agent and that have a label.</summary>
    public long OverturnedLabeled { get; set; }

    /// <summary>Of <see cref="OverturnedLabeled"/>, those where the human's decision is the truth (block = label TP or FN).</summary>
    public long HumanRight { get; set; }

    /// <summary>Overturn-correctness: human right / labeled overturns; null when none.</summary>
    public double? HumanRightRate { get; set; }

    /// <summary>The n of <see cref="HumanRightRate"/>: labeled overturns.</summary>
    public long HumanRightRateN { get; set; }
}

/// <summary>One reviewer's decision accuracy over the audits in scope, and whether they are listed for calibration.</summary>
public sealed class OnboardingReviewer
{
    public string ReviewerId { get; set; } = "";

    /// <summary>The org of the audited reviews.</summary>
    public string? Org { get; set; }

    /// <summary>The vendor of the audited reviews (null for in-house).</summary>
    public string? Vendor { get; set; }

    public long QaAudits { get; set; }

    public long QaCorrect { get; set; }

    public double? DecisionAccuracy { get; set; }

    public double? DecisionAccuracyLow { get; set; }

    public double? DecisionAccuracyHigh { get; set; }

    /// <summary>The n of <see cref="DecisionAccuracy"/>: QA audits.</summary>
    public long DecisionAccuracyN { get; set; }

    /// <summary>All the reviewer's reviews of decided cases in the lake, whatever the filters.</summary>
    public long ReviewsTotal { get; set; }

    /// <summary>The tenure week (1 = the week of their first review) of the reviewer's latest review.</summary>
    public long WeeksActive { get; set; }

    /// <summary>At least <see cref="OnboardingReport.MinAudits"/> audits and the interval wholly below <see cref="OnboardingReport.Target"/>.</summary>
    public bool ForCalibration { get; set; }
}

/// <summary>The BPO onboarding curves (issue 16 item 4) of the cases a filter selects.</summary>
public sealed class OnboardingReport
{
    /// <summary>The decision-accuracy target the calibration rule compares the interval with.</summary>
    public double Target { get; set; }

    /// <summary>The fewest audits a reviewer needs to be listed for calibration.</summary>
    public int MinAudits { get; set; }

    /// <summary>Per org and vendor, the week buckets (1, 2, 3, 4, 5-8, 9+) in tenure order; buckets without reviews have no row.</summary>
    public List<OnboardingRow> ByWeeks { get; set; } = [];

    /// <summary>Per org and vendor, the review-count buckets (1-50, 51-100, 101-200, 201+) in tenure order.</summary>
    public List<OnboardingRow> ByReviews { get; set; } = [];

    /// <summary>Every reviewer with audits in scope: listed ones first (lowest upper bound first), then the others.</summary>
    public List<OnboardingReviewer> Reviewers { get; set; } = [];

    /// <summary>The reviewers listed for calibration.</summary>
    public IReadOnlyList<OnboardingReviewer> Calibration => Reviewers.Where(r => r.ForCalibration).ToList();

    /// <summary>Whether the cases were read from the published rollup's case snapshot (else from the raw views).</summary>
    public bool FromRollup { get; set; }
}
