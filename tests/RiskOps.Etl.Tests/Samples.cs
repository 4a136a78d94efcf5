namespace RiskOps.Etl.Tests;

/// <summary>Small valid deliveries of every kind (CSV), shared by the tests.</summary>
internal static class Samples
{
    public const string DecisionsHeader = "case_id,case_type,scored_at,model_version,ai_decision,confidence,threshold,routing,priority,user_id,signals,region";

    public const string Decisions =
        DecisionsHeader + "\n" +
        "C1,ATO,2026-11-02T10:15:30.123456Z,m-1.4,block,0.97,0.9,auto,80,user-alice,new_device|vpn_ip,EU\n" +
        "C2,KYC_AUDIT,2026-11-02T23:30:00+08:00,m-1.4,pass,0.62,0.9,manual,10,user-bob,,\n" +
        "C3,CUSTOM_TYPE,2026-11-03T00:00:00Z,m-1.5,pass,1,0,auto,0,user-carol,sybil_cluster,APAC\n";

    public const string Reviews =
        "review_id,case_id,reviewer_id,reviewer_org,vendor,reviewer_tier,assigned_at,resolved_at,decision,rationale\n" +
        "R1,C2,rev-7,BPO,Acme BPO,agent,2026-11-02T16:00:00Z,2026-11-02T17:30:00Z,pass,\"looks fine, \"\"verified\"\"\"\n" +
        "R2,C2,rev-9,INHOUSE,,senior,2026-11-02T18:00:00Z,,,\n";

    public const string Labels =
        "case_id,label,label_source,sample_weight,root_cause_type,root_cause_code,annotation,labeled_by,labeled_at\n" +
        "C1,TP,,,,,Confirmed takeover.,lab-1,2026-11-04T08:00:00Z\n" +
        "C2,FN,audit_sample,20,B,ATO.threshold_high,One. Two! Three? Four.,lab-2,2026-11-04T09:00:00Z\n";

    public const string QaAudits =
        "audit_id,review_id,auditor_id,audited_at,verdict,error_category\n" +
        "A1,R1,qa-1,2026-11-05T10:00:00Z,correct,\n" +
        "A2,R2,qa-1,2026-11-05T11:00:00Z,incorrect,missed_signal\n";

    public const string SopCoverage =
        "case_type,scenario_code,covered,sop_page,sop_version,updated_at\n" +
        "ATO,ATO.new_device,true,https://wiki/sop/ato,v3,2026-10-01T00:00:00Z\n" +
        "ATO,ATO.sim_swap,false,,,2026-10-01T00:00:00Z\n";
}
