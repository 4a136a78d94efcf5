using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Onboarding;

/// <summary>
/// Random but reproducible lakes for the onboarding curves: twelve weeks of cases, reviewers of three vendors and in-house
/// who start on different days (so every tenure bucket, weeks 9+ and reviews 201+ included, is reached), each with their
/// own accuracy, so some are listed for calibration and some are not. With the awkward parts that move a figure: reviews
/// sent open then resolved under the same review_id, escalations before the final review, equal assigned_at of one
/// reviewer (review_id breaks the tie), QA verdicts corrected by re-delivery, re-labels, and orphan reviews (no decision)
/// dated before a reviewer's first real review.
/// </summary>
public static class OnboardingLake
{
    private static readonly string[] CaseTypes = ["ATO", "KYC_AUDIT", "RESET_2FA"];

    /// <summary>After the last record.</summary>
    public static readonly DateTimeOffset AsOf = LakeRow.Epoch.AddDays(100);

    public static LakeData Generate(int seed, int cases = 2400)
    {
        var random = new Random(seed);
        var data = new LakeData();
        var line = 0L;
        var ingested = LakeRow.Epoch.AddDays(95);
        (string Batch, DateTimeOffset At, long Line) Next()
        {
            var b = random.Next(3);
            return ($"b{b:D3}", ingested.AddMinutes(b * 10), ++line);
        }

        // Reviewers: id, org, vendor, first day, share of correct QA verdicts.
        var reviewers = Enumerable.Range(0, 12).Select(i => (
            Id: $"rv{i:D2}",
            Org: i % 4 == 3 ? "INHOUSE" : "BPO",
            Vendor: i % 4 == 3 ? null : $"V{(i % 4) + 1}",
            Start: i < 3 ? 0 : random.Next(5, 60),
            Accuracy: (i % 3) switch { 0 => 0.995, 1 => 0.97, _ => 0.88 })).ToList();

        var reviewNo = 0;
        var auditNo = 0;
        for (var c = 0; c < cases; c++)
        {
            var caseId = $"c{c:D5}";
            var scored = LakeRow.Epoch.AddDays(random.NextDouble() * 84).AddSeconds(-random.Next(60));
            scored = new DateTimeOffset(scored.Ticks - (scored.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            var manual = random.Next(10) < 8;
            var ai = random.Next(2) == 0 ? "block" : "pass";
            var (db, dat, dln) = Next();
            data.Decisions.Add(new DecisionRow
            {
                CaseId = caseId, CaseType = CaseTypes[random.Next(CaseTypes.Length)], ScoredAt = scored, AiDecision = ai,
                Routing = manual ? "manual" : "auto", Confidence = 0.5 + (random.NextDouble() / 2), BatchId = db, IngestedAt = dat, SourceLine = dln,
            });
            var truthBlock = random.Next(4) == 0 ? ai != "block" : ai == "block";
            if (random.Next(10) < 7)
            {
                var label = (ai == "block", truthBlock) switch { (true, true) => "TP", (true, false) => "FP", (false, true) => "FN", _ => "TN" };
                var (lb, lat, lln) = Next();
                var row = new LabelRow
                {
                    CaseId = caseId, Label = label, RootCauseType = label is "FP" or "FN" ? "A" : null, LabeledAt = scored.AddHours(random.Next(1, 48)),
                    BatchId = lb, IngestedAt = lat, SourceLine = lln,
                };
                data.Labels.Add(row);
                if (random.Next(12) == 0)
                {
                    // A later re-label to the other truth wins.
                    var other = label switch { "TP" => "FP", "FP" => "TP", "FN" => "TN", _ => "FN" };
                    data.Labels.Add(row with { Label = other, RootCauseType = other is "FP" or "FN" ? "B" : null, LabeledAt = row.LabeledAt.AddHours(3), SourceLine = lln + 500000 });
                }
            }

            if (!manual)
            {
                continue;
            }

            var available = reviewers.Where(r => r.Start <= (scored - LakeRow.Epoch).TotalDays).ToList();
            var count = random.Next(1, 4);
            var assigned = scored.AddMinutes(random.Next(1, 90));
            for (var k = 0; k < count; k++)
            {
                var who = available[random.Next(available.Count)];
                var isLast = k == count - 1;
                string? decision = isLast
                    ? random.Next(8) switch { 0 => null, 1 => "escalate", _ => random.Next(3) == 0 ? (ai == "block" ? "pass" : "block") : ai }
                    : "escalate";
                var reviewId = $"r{++reviewNo:D6}";
                var (rb, rat, rln) = Next();
                var review = new ReviewRow
                {
                    ReviewId = reviewId, CaseId = caseId, ReviewerId = who.Id, ReviewerOrg = who.Org, Vendor = who.Vendor,
                    AssignedAt = assigned, ResolvedAt = decision is null ? null : assigned.AddMinutes(random.Next(5, 300)), Decision = decision,
                    BatchId = rb, IngestedAt = rat, SourceLine = rln,
                };
                if (decision is not null && random.Next(5) == 0)
                {
                    data.Reviews.Add(review with { ResolvedAt = null, Decision = null, BatchId = "b000", IngestedAt = rat.AddDays(-1) });
                }

                data.Reviews.Add(review);
                if (random.Next(40) == 0)
                {
                    // The same reviewer given a second case at the same instant: review_id orders the two.
                    var twin = data.Decisions[^1] with { CaseId = caseId + "t", SourceLine = rln + 700000 };
                    data.Decisions.Add(twin);
                    data.Reviews.Add(review with { ReviewId = reviewId + "t", CaseId = twin.CaseId, SourceLine = rln + 700000 });
                }

                if (decision is not null && random.Next(5) < 2)
                {
                    var verdict = random.NextDouble() < who.Accuracy ? "correct" : "incorrect";
                    var (ab, aat, aln) = Next();
                    var audit = new QaAuditRow
                    {
                        AuditId = $"a{++auditNo:D6}", ReviewId = reviewId, Verdict = verdict, AuditedAt = review.ResolvedAt!.Value.AddHours(random.Next(1, 30)),
                        BatchId = ab, IngestedAt = aat, SourceLine = aln,
                    };
                    data.QaAudits.Add(audit);
                    if (random.Next(15) == 0)
                    {
                        data.QaAudits.Add(audit with { Verdict = verdict == "correct" ? "incorrect" : "correct", BatchId = "b950", IngestedAt = aat.AddDays(1), SourceLine = aln + 900000 });
                    }
                }

                assigned = assigned.AddMinutes(random.Next(1, 120));
            }
        }

        foreach (var (r, k) in reviewers.Select((r, k) => (r, k)))
        {
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = $"orphan{k}", CaseId = $"no-decision{k}", ReviewerId = r.Id, ReviewerOrg = r.Org, Vendor = r.Vendor,
                AssignedAt = LakeRow.Epoch.AddDays(-20), ResolvedAt = LakeRow.Epoch.AddDays(-20).AddHours(1), Decision = "pass", SourceLine = ++line,
                IngestedAt = ingested,
            });
            data.QaAudits.Add(new QaAuditRow { AuditId = $"ao{k}", ReviewId = $"orphan{k}", Verdict = "incorrect", SourceLine = ++line, IngestedAt = ingested });
        }

        return data;
    }
}
