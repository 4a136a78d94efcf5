namespace RiskOps.Sql.Tests.Support;

/// <summary>Cuts a generated lake into the batches it was delivered in.</summary>
public static class LakeBatches
{
    /// <summary>The lake cut into its batches (by batch id, in order), each kind's rows of one batch together.</summary>
    public static IEnumerable<LakeData> Split(LakeData data)
    {
        var batches = data.Decisions.Select(d => d.BatchId).Concat(data.Reviews.Select(r => r.BatchId)).Concat(data.Labels.Select(l => l.BatchId))
            .Concat(data.QaAudits.Select(a => a.BatchId)).Concat(data.Sop.Select(s => s.BatchId)).Concat(data.Quarantine.Select(q => q.BatchId))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            var part = new LakeData();
            part.Decisions.AddRange(data.Decisions.Where(r => r.BatchId == batch));
            part.Reviews.AddRange(data.Reviews.Where(r => r.BatchId == batch));
            part.Labels.AddRange(data.Labels.Where(r => r.BatchId == batch));
            part.QaAudits.AddRange(data.QaAudits.Where(r => r.BatchId == batch));
            part.Sop.AddRange(data.Sop.Where(r => r.BatchId == batch));
            part.Quarantine.AddRange(data.Quarantine.Where(r => r.BatchId == batch));
            yield return part;
        }
    }
}
