using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using RiskOps.Sql;

namespace RiskOps.Bench.Metrics;

/// <summary>
/// A big synthetic lake written by DuckDB itself (<c>COPY (SELECT … FROM range(N)) TO … (PARTITION_BY (dt))</c>) with the
/// lake's exact column names and types, cached under <c>/tmp/riskops-bench/lake-N</c> so reruns skip generation.
/// Eight full UTC ISO weeks of decisions (2026-09-28 … 2026-11-22), as of 2026-11-23T00:00Z.
/// </summary>
/// <remarks>
/// Shape per N decisions: ~30 % manual (confidence below the 0.65 threshold), every manual case labeled, 10 % of auto
/// cases audit-sampled (weight 10), 5 % of labels re-labelled (an older label stays as history), one review per manual
/// case plus a senior review for 10 % (first one escalated), 10 % of resolved reviews also delivered earlier as open,
/// ~3 % open, 10 % of resolved reviews QA-audited, 5 × 20 SOP scenarios. Every value is a hash of the row number, so
/// the same N always gives the same lake.
/// </remarks>
internal static class SyntheticLake
{
    /// <summary>Open cases are aged to this instant; it is the end of the generated period.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One of the generated BPO vendors (for vendor-scoped measurements).</summary>
    public const string FirstVendor = "TaskUs";

    /// <summary>The last complete ISO week of the lake (2026-11-16 … 2026-11-22).</summary>
    public const string LastWeek = "2026-W47";

    private static readonly DateTimeOffset Start = new(2026, 9, 28, 0, 0, 0, TimeSpan.Zero);

    private const string Lineage = """
        {0} as ingested_at,
        'bench-{1}-' || strftime({2}, '%Y%m%d') as batch_id,
        'bench/{1}_' || strftime({2}, '%Y-%m-%d') || '.csv' as source,
        {3} as source_line,
        lpad(to_hex(hash({3}, '{1}')), 16, '0') as record_hash,
        {2} as dt
        """;

    /// <summary>The cache root (override with env RISKOPS_BENCH_CACHE).</summary>
    public static string CacheRoot => Environment.GetEnvironmentVariable("RISKOPS_BENCH_CACHE") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Path.GetTempPath(), "riskops-bench");

    /// <summary>The <c>lake</c> command: generates (or reuses) the lake of <c>--decisions</c>; <c>--rollups</c> builds its rollup.</summary>
    public static int Generate(string[] args)
    {
        var lake = Ensure(BenchSupport.IntArg(args, "--decisions", 1_000_000));
        Console.WriteLine(Describe(lake));
        if (BenchSupport.Flag(args, "--rollups"))
        {
            EnsureFreshRollups(lake);
        }

        return 0;
    }

    /// <summary>The cached lake of <paramref name="decisions"/> decisions, generated first when missing.</summary>
    public static string Ensure(int decisions)
    {
        var lake = Path.Combine(CacheRoot, $"lake-{decisions}");
        var marker = Path.Combine(lake, "_bench_complete");
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == Marker(decisions))
        {
            Console.WriteLine($"lake: cached {lake} ({Mb(lake)}); delete the folder to regenerate");
            return lake;
        }

        var staging = lake + ".staging";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        if (Directory.Exists(lake))
        {
            Directory.Delete(lake, recursive: true);
        }

        Directory.CreateDirectory(staging);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        using (var connection = new DuckDBConnection("Data Source=:memory:;autoinstall_known_extensions=false"))
        {
            connection.Open();
            Execute(connection, "set TimeZone = 'UTC'");
            Execute(connection, "set preserve_insertion_order = false");
            Execute(connection, BaseView(decisions));
            foreach (var (kind, sql) in KindQueries())
            {
                var kindWatch = Stopwatch.StartNew();
                var target = Path.Combine(staging, kind).Replace('\\', '/');
                Execute(connection, $"copy ({sql}) to '{target}' (format parquet, partition_by (dt), filename_pattern 'part-bench-{{i}}')");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  generated {kind,-13} {kindWatch.Elapsed.TotalSeconds,6:F1} s"));
            }
        }

        File.WriteAllText(Path.Combine(staging, "_bench_complete"), Marker(decisions) + "\n");
        Directory.Move(staging, lake);
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lake: generated {lake} ({Mb(lake)}) in {stopwatch.Elapsed.TotalSeconds:F1} s wall, {(self.TotalProcessorTime - cpu).TotalSeconds:F1} s CPU"));
        return lake;
    }

    /// <summary>Row counts per raw view (stored rows, history included).</summary>
    public static string Describe(string lake)
    {
        using var warehouse = Warehouse.Open(lake);
        var counts = warehouse.Query(
            "select (select count(*) from raw_decisions) d, (select count(*) from raw_reviews) r, (select count(*) from raw_labels) l, "
            + "(select count(*) from raw_qa_audits) q, (select count(*) from raw_sop_coverage) s").Rows[0];
        return string.Create(CultureInfo.InvariantCulture,
            $"rows: decisions {counts[0]:N0}, reviews {counts[1]:N0}, labels {counts[2]:N0}, qa_audits {counts[3]:N0}, sop_coverage {counts[4]:N0}; {Files(lake)} parquet files, {Mb(lake)}");
    }

    /// <summary>
    /// Makes sure the lake has a rollup built from its current files; returns the build time in ms (0 when one was fresh).
    /// </summary>
    public static double EnsureFreshRollups(string lake)
    {
        using var warehouse = Warehouse.Open(lake);
        if (warehouse.FreshRollup() is not null)
        {
            Console.WriteLine("rollups: fresh (reused)");
            return 0;
        }

        var stopwatch = Stopwatch.StartNew();
        warehouse.BuildRollups(AsOf);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollups: built in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    /// <summary>What the cache marker holds; bump <see cref="GeneratorVersion"/> when the generated data changes.</summary>
    private static string Marker(int decisions) => string.Create(CultureInfo.InvariantCulture, $"{decisions} v{GeneratorVersion}");

    private const int GeneratorVersion = 2;

    private static string BaseView(int decisions)
    {
        var startUs = (Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var spanUs = (AsOf - Start).Ticks / 10;
        var asOfUs = (AsOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var users = Math.Max(1, decisions / 4);
        // One row per case with every random draw the kinds need; u_* are uniform in [0, 1).
        return string.Create(CultureInfo.InvariantCulture, $$"""
            create or replace temp view g as
            with raw as (
                select
                    i,
                    'C' || lpad(i::varchar, 10, '0') as case_id,
                    (['KYC_AUDIT', 'ATO', 'RESET_2FA', 'POA_REVIEW', 'WITHDRAWAL_ANOMALY'])[1 + (hash(i, 1) % 5)::integer] as case_type,
                    ({{startUs}} + (hash(i, 2) % {{spanUs}}))::bigint as scored_us,
                    round(0.5 + 0.5 * (hash(i, 3) % 1000000) / 1e6, 4)::double as confidence,
                    (hash(i, 4) % 1000000) / 1e6 as u_dec,
                    (hash(i, 5) % 1000000) / 1e6 as u_label,
                    (hash(i, 6) % 1000000) / 1e6 as u_misc,
                    hash(i, 7) as h7,
                    hash(i, 8) as h8
                from range({{decisions}}) t(i)
            )
            select
                *,
                case when u_dec < 0.22 then 'block' else 'pass' end as ai_decision,
                case when confidence >= 0.65 then 'auto' else 'manual' end as routing,
                -- Errors are rarer at high confidence: blocks wrong ~4 %, passes wrong ~0.3 % (precision ≈ 0.96, recall ≈ 0.99).
                u_label >= case when u_dec < 0.22 then 0.16 else 0.012 end * (1 - confidence) as ai_correct,
                u_misc >= 0.9 as escalated,
                (h8 % 100) < 3 or scored_us > {{asOfUs}} - 43200000000 as open_case,
                {{users}} as users
            from raw
            """);
    }

    private static IEnumerable<(string Kind, string Sql)> KindQueries()
    {
        // Lineage columns and dt: ts is ingested_at, dt the UTC date of the kind's partition timestamp (in epoch µs).
        static string L(string ts, string kind, string partitionUs, string line) =>
            string.Format(CultureInfo.InvariantCulture, Lineage, ts, kind, $"make_timestamp({partitionUs})::date", line);

        yield return ("decisions", $"""
            select
                case_id,
                case_type,
                make_timestamp(scored_us)::timestamptz as scored_at,
                'v3.' || (h7 % 3)::varchar as model_version,
                ai_decision,
                confidence,
                0.65::double as threshold,
                routing,
                ((h7 // 7) % 101)::integer as priority,
                lpad(to_hex(hash(i, 9) % users), 64, '0') as user_id,
                (case (h7 // 1000) % 10
                    when 0 then ['new_device', 'vpn_ip']
                    when 1 then ['new_device']
                    when 2 then ['vpn_ip']
                    when 3 then ['sybil_cluster', 'new_device']
                    when 4 then ['mule_pattern']
                    when 5 then ['geo_mismatch', 'rapid_withdrawal']
                    when 6 then ['rapid_withdrawal']
                    else []
                end)::varchar[] as signals,
                (['EU', 'APAC', 'LATAM', 'NA'])[1 + ((h7 // 100000) % 4)::integer] as region,
                {L("make_timestamp(scored_us + 3600000000)::timestamptz", "decisions", "scored_us", "i + 1")}
            from g
            """);

        // Latest label per labeled case, plus an older (superseded) label for 5 % of them.
        const string labelRows = """
            select
                i, case_id, case_type, routing, h7, h8, scored_us, version,
                case
                    when version = 1 and (h8 // 100) % 20 = 0 then case when ai_correct then (case when ai_decision = 'block' then 'FP' else 'FN' end) else (case when ai_decision = 'block' then 'TP' else 'TN' end) end
                    when ai_correct then case when ai_decision = 'block' then 'TP' else 'TN' end
                    else case when ai_decision = 'block' then 'FP' else 'FN' end
                end as label
            from g, (select unnest([0, 1]) as version) v
            where (routing = 'manual' or u_misc < 0.1) and (version = 0 or (h8 // 100) % 20 = 0)
            """;
        yield return ("labels", $"""
            with rows as ({labelRows})
            select
                case_id,
                label,
                case when routing = 'auto' then 'audit_sample' when (h7 // 10) % 10 = 0 then null else 'review' end as label_source,
                case when routing = 'auto' then 10.0 end::double as sample_weight,
                case when label in ('FP', 'FN') then (['A', 'B', 'C'])[1 + ((h8 // 1000) % 3)::integer] end as root_cause_type,
                case when label in ('FP', 'FN') then
                    case (h8 // 1000) % 3
                        when 0 then case_type || '.new_device_overweighted'
                        when 1 then case_type || '.threshold_drift'
                        else case_type || '.sc' || lpad(((h8 // 10000) % 25)::varchar, 2, '0')
                    end
                end as root_cause_code,
                'Checked the documents. Decision stands.' as annotation,
                false as annotation_flagged,
                'analyst-' || ((h8 // 7) % 40)::varchar as labeled_by,
                make_timestamp(scored_us + 172800000000 - version * 86400000000)::timestamptz as labeled_at,
                {L("make_timestamp(scored_us + 172800000000 - version * 86400000000 + 60000000)::timestamptz", "labels", "scored_us + 172800000000 - version * 86400000000", "2 * i + version + 1")}
            from rows
            """);

        // Reviews of manual cases: step 0 (the agent; escalates when the case is escalated), step 1 (a senior, escalated
        // cases only); delivery 0 is the final row, delivery 1 an earlier open delivery of 10 % of resolved reviews.
        const string reviewRows = """
            select
                g.*, step, delivery,
                'R' || lpad(i::varchar, 10, '0') || '-' || step::varchar as review_id,
                scored_us + 300000000 + step * 1800000000 as assigned_us,
                scored_us + 300000000 + step * 1800000000 + (hash(i, 10 + step) % 18000000000)::bigint as resolved_us,
                open_case and (step = 1 or not escalated) as is_open,
                hash(i, 20 + step) as hr
            from g, (select unnest([0, 1]) as step) s, (select unnest([0, 1]) as delivery) d
            where routing = 'manual'
                and (step = 0 or escalated)
                and (delivery = 0 or ((h8 // 10) % 10 = 0 and not (open_case and (step = 1 or not escalated))))
            """;
        yield return ("reviews", $"""
            with rows as ({reviewRows})
            select
                review_id,
                case_id,
                'rev-' || (hr % 200)::varchar as reviewer_id,
                case when (hr // 200) % 10 < 6 then 'BPO' else 'INHOUSE' end as reviewer_org,
                case when (hr // 200) % 10 < 6 then (['Acme BPO', 'TaskUs', 'Teleperformance'])[1 + ((hr // 2000) % 3)::integer] end as vendor,
                case when step = 1 then 'senior' else 'agent' end as reviewer_tier,
                make_timestamp(assigned_us)::timestamptz as assigned_at,
                case when not is_open and delivery = 0 then make_timestamp(resolved_us)::timestamptz end as resolved_at,
                case
                    when is_open or delivery = 1 then null
                    when step = 0 and escalated then 'escalate'
                    when ((hr // 20000) % 100 < 97) = ((ai_decision = 'block') = ai_correct) then 'block'
                    else 'pass'
                end as decision,
                case when not is_open and delivery = 0 then 'Reviewed evidence.' end as rationale,
                {L("make_timestamp(case when is_open or delivery = 1 then assigned_us + 60000000 else resolved_us + 60000000 end)::timestamptz", "reviews", "assigned_us", "4 * i + 2 * step + delivery + 1")}
            from rows
            """);

        yield return ("qa_audits", $"""
            with rows as ({reviewRows})
            select
                'Q' || review_id as audit_id,
                review_id,
                'qa-' || ((hr // 7) % 10)::varchar as auditor_id,
                make_timestamp(resolved_us + 86400000000)::timestamptz as audited_at,
                case when (hr // 300000) % 100 < 97 then 'correct' else 'incorrect' end as verdict,
                case when (hr // 300000) % 100 >= 97 then 'wrong_decision' end as error_category,
                {L("make_timestamp(resolved_us + 86400000000 + 60000000)::timestamptz", "qa_audits", "resolved_us + 86400000000", "2 * i + step + 1")}
            from rows
            where delivery = 0 and not is_open and (hr // 3000000) % 10 = 1
            """);

        yield return ("sop_coverage", $"""
            select
                case_type,
                case_type || '.sc' || lpad(k::varchar, 2, '0') as scenario_code,
                hash(case_type, k) % 100 < 85 as covered,
                case when hash(case_type, k) % 100 < 85 then 'wiki/sop/' || lower(case_type) || '/' || k::varchar end as sop_page,
                'v2' as sop_version,
                timestamptz '2026-09-01 00:00:00+00' as updated_at,
                {L("timestamptz '2026-09-01 00:05:00+00'", "sop_coverage", "epoch_us(timestamptz '2026-09-01 00:00:00+00')", "row_number() over (order by case_type, k)")}
            from (select unnest(['KYC_AUDIT', 'ATO', 'RESET_2FA', 'POA_REVIEW', 'WITHDRAWAL_ANOMALY']) as case_type),
                range(20) t(k)
            """);
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static int Files(string dir) => Directory.GetFiles(dir, "*.parquet", SearchOption.AllDirectories).Length;

    private static string Mb(string dir) =>
        BenchSupport.Mb(Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
}
