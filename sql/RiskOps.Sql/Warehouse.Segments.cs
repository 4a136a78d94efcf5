using System.Globalization;

namespace RiskOps.Sql;

/// <summary>
/// The per-case tables of a rollup version as a base file plus fold segments (docs/metrics.md, "Incremental folding"):
/// a fold writes only the rows of the keys it changed, so its cost follows the batches, not the lake.
/// </summary>
public sealed partial class Warehouse
{
    /// <summary>
    /// The per-case tables a fold appends segments to, with the key a segment's rows replace. A table is its base file
    /// <c>&lt;table&gt;.parquet</c> (what a rebuild writes), its segments <c>&lt;table&gt;.s&lt;NNNNNN&gt;.parquet</c>
    /// (one per fold that changed the table, rows with the fold's <c>_seg</c> number) and its mask
    /// <c>&lt;table&gt;.mask.parquet</c> (every key a segment replaced, with the newest such segment). A key's rows are
    /// those of its newest segment when the mask names it (none when that segment has none: a key that left), else the
    /// base's.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string> SegmentedKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["cases"] = "case_id",
        ["case_audits"] = "case_id",
        ["case_reviews"] = "case_id",
        ["resolved_decisions"] = "case_id",
        ["resolved_labels"] = "case_id",
        ["resolved_reviews"] = "review_id",
        ["resolved_qa_audits"] = "audit_id",
    };

    /// <summary>Segments of one table beyond which a fold merges them into one (they stay small; the base is untouched).</summary>
    internal const int MaxSegments = 12;

    /// <summary>A mask beyond this share of the base's rows makes the fold merge the table into a new base (amortised).</summary>
    internal const double MaxMaskShare = 0.1;

    /// <summary>
    /// The SQL relation of one rollup table of the version in <paramref name="folder"/>: its base file, or, once folds
    /// have added segments, the base without the masked keys plus each masked key's rows of its newest segment. Every
    /// reader of a version's per-case tables goes through this (the dashboard's case scope, the fold, tests).
    /// </summary>
    public static string RollupRelation(string folder, string table)
    {
        var source = $"read_parquet('{Quote(Path.Combine(folder, table + ".parquet"))}')";
        var mask = MaskPath(folder, table);
        if (!SegmentedKeys.TryGetValue(table, out var key) || !File.Exists(mask))
        {
            return source;
        }

        var masked = $"read_parquet('{Quote(mask)}')";
        var relation = $"select * from {source} b where not exists (select 1 from {masked} m where m.\"{key}\" = b.\"{key}\")";
        var segments = SegmentFiles(folder, table);
        if (segments.Count > 0)
        {
            relation += $"""

                union all by name
                select * exclude (_seg) from read_parquet([{string.Join(", ", segments.Select(s => $"'{Quote(s)}'"))}]) s
                where not exists (select 1 from {masked} m where m."{key}" = s."{key}" and m._seg > s._seg)
                """;
        }

        return $"({relation})";
    }

    /// <summary>Every file of one table of a version: base, segments and mask (the ones that exist).</summary>
    internal static IEnumerable<string> TableFiles(string folder, string table)
    {
        var files = new[] { Path.Combine(folder, table + ".parquet"), MaskPath(folder, table) }.Where(File.Exists);
        return SegmentedKeys.ContainsKey(table) ? files.Concat(SegmentFiles(folder, table)) : files;
    }

    private static string MaskPath(string folder, string table) => Path.Combine(folder, table + ".mask.parquet");

    private static string SegmentPath(string folder, string table, int number) =>
        Path.Combine(folder, $"{table}.s{number.ToString("D6", CultureInfo.InvariantCulture)}.parquet");

    private static List<string> SegmentFiles(string folder, string table) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, table + ".s*.parquet").Where(f => SegmentNumber(f) > 0).Order(StringComparer.Ordinal).ToList()
            : [];

    private static int SegmentNumber(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.LastIndexOf(".s", StringComparison.Ordinal);
        return dot >= 0 && int.TryParse(name.AsSpan(dot + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    /// <summary>Hard-links every file of <paramref name="table"/> from the previous version into the new one.</summary>
    private static void LinkTable(string oldFolder, string staging, string table)
    {
        foreach (var file in TableFiles(oldFolder, table))
        {
            Link(file, Path.Combine(staging, Path.GetFileName(file)));
        }
    }

    /// <summary>
    /// Writes <paramref name="table"/> of the new version in <paramref name="staging"/>: the previous version's files
    /// linked, plus a segment holding <paramref name="rows"/> (the new rows of the keys in <paramref name="keys"/>) and a
    /// mask naming those keys. Merges the segments into one when there are more than <see cref="MaxSegments"/>, and the
    /// whole table into a new base when the mask outgrows <see cref="MaxMaskShare"/> of the base.
    /// </summary>
    private void WriteSegmented(string oldFolder, string staging, string table, string keys, string rows)
    {
        var key = SegmentedKeys[table];
        var basePath = Path.Combine(oldFolder, table + ".parquet");
        Link(basePath, Path.Combine(staging, table + ".parquet"));
        var oldSegments = SegmentFiles(oldFolder, table);
        foreach (var segment in oldSegments)
        {
            Link(segment, Path.Combine(staging, Path.GetFileName(segment)));
        }

        var number = oldSegments.Count == 0 ? 1 : oldSegments.Max(SegmentNumber) + 1;
        Copy($"select *, {number}::integer as _seg from ({rows})", SegmentPath(staging, table, number));
        var oldMask = File.Exists(MaskPath(oldFolder, table))
            ? $"select \"{key}\", _seg from read_parquet('{Quote(MaskPath(oldFolder, table))}')"
            : $"select null::varchar as \"{key}\", 0::integer as _seg where false";
        Copy($"""
            select "{key}", max(_seg)::integer as _seg
            from ({oldMask} union all select "{key}", {number}::integer from ({keys}) where "{key}" is not null)
            group by all
            """, MaskPath(staging, table));

        var maskRows = ToLong(ReadRows($"select count(*) as n from read_parquet('{Quote(MaskPath(staging, table))}')")[0]["n"]);
        var baseRows = ToLong(ReadRows($"select count(*) as n from read_parquet('{Quote(basePath)}')")[0]["n"]);
        if (maskRows > MaxMaskShare * Math.Max(baseRows, 1000))
        {
            MergeIntoBase(staging, table);
        }
        else if (oldSegments.Count + 1 > MaxSegments)
        {
            MergeSegments(staging, table, key, number);
        }
    }

    /// <summary>The table's logical rows written as its new base; segments and mask removed.</summary>
    private void MergeIntoBase(string staging, string table)
    {
        var merged = Path.Combine(staging, table + ".merged.tmp");
        Copy($"select * from {RollupRelation(staging, table)}", merged);
        foreach (var file in TableFiles(staging, table).ToList())
        {
            File.Delete(file);
        }

        File.Move(merged, Path.Combine(staging, table + ".parquet"));
    }

    /// <summary>
    /// The segments merged into one numbered <paramref name="number"/> (each key's rows of its newest segment); every
    /// mask entry then names that segment, so a key that left stays masked.
    /// </summary>
    private void MergeSegments(string staging, string table, string key, int number)
    {
        var segments = SegmentFiles(staging, table);
        var mask = $"read_parquet('{Quote(MaskPath(staging, table))}')";
        var segmentTmp = Path.Combine(staging, table + ".segment.tmp");
        var maskTmp = Path.Combine(staging, table + ".mask.tmp");
        Copy($"""
            select * exclude (_seg), {number}::integer as _seg
            from read_parquet([{string.Join(", ", segments.Select(s => $"'{Quote(s)}'"))}]) s
            where not exists (select 1 from {mask} m where m."{key}" = s."{key}" and m._seg > s._seg)
            """, segmentTmp);
        Copy($"select \"{key}\", {number}::integer as _seg from {mask}", maskTmp);
        foreach (var segment in segments)
        {
            File.Delete(segment);
        }

        File.Delete(MaskPath(staging, table));
        File.Move(segmentTmp, SegmentPath(staging, table, number));
        File.Move(maskTmp, MaskPath(staging, table));
    }
}
