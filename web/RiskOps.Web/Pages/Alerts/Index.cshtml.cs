using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RiskOps.Reports.Alerts;
using RiskOps.Web.Audit;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Pages.Alerts;

/// <summary>
/// The Alerts page (admins): open breaches, the rules in force and a rule editor. A save validates the whole rule set
/// with <see cref="AlertRuleValidator"/> — the check the <c>Alerts</c> configuration gets at start — and writes
/// <c>_alerts/rules.json</c> only when it passes; a broken rule is one message per field, with HTTP 400, and nothing is
/// written. The form carries the version of the rules it was opened on, so two admins editing at once cannot overwrite
/// each other's change unseen. Every change is recorded in the audit log.
/// </summary>
[Authorize(Policy = Policies.Admin)]
internal sealed partial class IndexModel(AlertService service, AlertStore store, IAuditLog audit, TimeProvider time, ILogger<IndexModel> logger) : PageModel
{
    /// <summary>The rules in force.</summary>
    public IReadOnlyList<AlertRule> Rules { get; private set; } = [];

    /// <summary>Whether they come from <c>_alerts/rules.json</c> (else configuration's <c>Alerts:Rules</c>).</summary>
    public bool RulesFromFile { get; private set; }

    /// <summary>Problems of the rules in force (a hand-edited file), shown above the table.</summary>
    public IReadOnlyList<string> RuleProblems { get; private set; } = [];

    /// <summary>Breaches open now.</summary>
    public IReadOnlyList<OpenBreach> Open { get; private set; } = [];

    /// <summary>Messages waiting for delivery.</summary>
    public int Outbox { get; private set; }

    /// <summary>The editor's fields.</summary>
    [BindProperty]
    public RuleForm Form { get; set; } = new();

    /// <summary>The id of the rule the form edits (empty: a new rule).</summary>
    [BindProperty]
    public string? OriginalId { get; set; }

    /// <summary>The version of the rules the form was opened on.</summary>
    [BindProperty]
    public string? Version { get; set; }

    /// <summary>The rule id of a delete or enable/disable button.</summary>
    [BindProperty]
    public string? RuleId { get; set; }

    /// <summary>Why a change was refused (HTTP 400 or 409); nothing was saved.</summary>
    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>What the last change did (after the redirect).</summary>
    [TempData]
    public string? Saved { get; set; }

    /// <summary>Shows the page; <paramref name="edit"/> opens that rule in the editor.</summary>
    public IActionResult OnGet(string? edit)
    {
        Load();
        if (!string.IsNullOrEmpty(edit))
        {
            if (Rules.FirstOrDefault(r => r.Id == edit) is not { } rule)
            {
                return NotFound();
            }

            Form = RuleForm.From(rule);
            OriginalId = rule.Id;
        }

        return Page();
    }

    /// <summary>Adds a rule (no <see cref="OriginalId"/>) or replaces the one being edited.</summary>
    public IActionResult OnPostSave()
    {
        Load();
        if (Stale() is { } stale)
        {
            return stale;
        }

        var (rule, parseErrors) = Form.ToRule();
        var rules = Rules.ToList();
        var index = string.IsNullOrEmpty(OriginalId) ? -1 : rules.FindIndex(r => r.Id == OriginalId);
        if (!string.IsNullOrEmpty(OriginalId) && index < 0)
        {
            return Refuse(StatusCodes.Status409Conflict, [$"Rule '{OriginalId}' no longer exists (deleted by someone else); nothing was saved."]);
        }

        if (index >= 0)
        {
            rules[index] = rule;
        }
        else
        {
            rules.Add(rule);
        }

        var errors = parseErrors.Concat(Check(rules)).ToList();
        if (errors.Count > 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, errors);
        }

        store.WriteRules(rules);
        var action = index >= 0 && OriginalId != rule.Id ? $"renamed from {OriginalId}" : index >= 0 ? "changed" : "added";
        audit.Record(User, time, AuditActions.AlertRuleSave, rule.Id, $"{action}; kind {rule.Kind}; {(rule.Enabled ? "enabled" : "disabled")}");
        logger.LogInformation("{User} saved alert rule {Rule} ({Action})", User.Identity?.Name, rule.Id, action);
        Saved = $"Rule {rule.Id} {action}. The next evaluation uses it.";
        return RedirectToPage();
    }

    /// <summary>Deletes a rule (its open breaches resolve at the next evaluation).</summary>
    public IActionResult OnPostDelete()
    {
        Load();
        if (Stale() is { } stale)
        {
            return stale;
        }

        var rules = Rules.Where(r => r.Id != RuleId).ToList();
        if (rules.Count == Rules.Count)
        {
            return Refuse(StatusCodes.Status409Conflict, [$"Rule '{RuleId}' no longer exists; nothing was changed."]);
        }

        store.WriteRules(rules);
        audit.Record(User, time, AuditActions.AlertRuleDelete, RuleId ?? "");
        Saved = $"Rule {RuleId} deleted; its open breaches are resolved at the next evaluation.";
        return RedirectToPage();
    }

    /// <summary>Enables or disables a rule.</summary>
    public IActionResult OnPostToggle()
    {
        Load();
        if (Stale() is { } stale)
        {
            return stale;
        }

        var rules = Rules.Select(Copy).ToList();
        if (rules.FirstOrDefault(r => r.Id == RuleId) is not { } rule)
        {
            return Refuse(StatusCodes.Status409Conflict, [$"Rule '{RuleId}' no longer exists; nothing was changed."]);
        }

        rule.Enabled = !rule.Enabled;
        if (Check(rules) is { Count: > 0 } errors)
        {
            return Refuse(StatusCodes.Status400BadRequest, errors);
        }

        store.WriteRules(rules);
        audit.Record(User, time, AuditActions.AlertRuleToggle, rule.Id, rule.Enabled ? "enabled" : "disabled");
        Saved = $"Rule {rule.Id} {(rule.Enabled ? "enabled" : "disabled")}.";
        return RedirectToPage();
    }

    /// <summary>The version stamp of a rule set (a hash of its JSON).</summary>
    public static string VersionOf(IReadOnlyList<AlertRule> rules) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(rules)))[..16];

    private void Load()
    {
        Rules = service.Rules();
        RulesFromFile = service.RulesFromFile;
        RuleProblems = Check(Rules);
        var state = store.ReadState();
        Open = state.Open.OrderByDescending(b => b.OpenedAt).ToList();
        Outbox = state.Outbox.Count;
        Version ??= VersionOf(Rules);
    }

    private IActionResult? Stale()
    {
        var current = VersionOf(Rules);
        if (Version == current)
        {
            return null;
        }

        return Refuse(StatusCodes.Status409Conflict, ["The rules changed since this page was opened (another admin saved); nothing was saved. Reload and apply your change again."]);
    }

    private PageResult Refuse(int status, IReadOnlyList<string> errors)
    {
        Errors = errors;
        Version = VersionOf(Rules);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The validator's lines, each naming the rule by id instead of its position.</summary>
    private static List<string> Check(IReadOnlyList<AlertRule> rules) =>
        AlertRuleValidator.Validate(rules, "rule").Select(e =>
        {
            var m = Position().Match(e);
            if (!m.Success)
            {
                return e;
            }

            var i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var name = i < rules.Count && !string.IsNullOrEmpty(rules[i]?.Id) ? $"Rule '{rules[i].Id}'" : "The rule";
            return $"{name}: {m.Groups[2].Value.TrimStart(':').Trim()}";
        }).ToList();

    private static AlertRule Copy(AlertRule rule) => JsonSerializer.Deserialize<AlertRule>(JsonSerializer.Serialize(rule))!;

    [GeneratedRegex(@"^rule:(\d+)(.*)$", RegexOptions.Singleline)]
    private static partial Regex Position();
}

/// <summary>The editor's fields as typed (numbers are parsed here so a malformed one is a message, not a binding error).</summary>
internal sealed class RuleForm
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public bool Enabled { get; set; } = true;
    public string? Kpi { get; set; }
    public string? CaseType { get; set; }
    public string? Target { get; set; }
    public bool RequireSignificantFall { get; set; } = true;
    public string? WindowDays { get; set; } = "7";
    public string? MaxBreaches { get; set; }
    public string? MaxPercent { get; set; }
    public string? WindowMinutes { get; set; } = "60";
    public string? MaxAgeMinutes { get; set; }
    public string? Experiment { get; set; }
    public string? Recipients { get; set; }

    /// <summary>The form of an existing rule.</summary>
    public static RuleForm From(AlertRule rule) => new()
    {
        Id = rule.Id,
        Kind = rule.Kind,
        Enabled = rule.Enabled,
        Kpi = rule.Kpi,
        CaseType = rule.CaseType,
        Target = rule.Target?.ToString(CultureInfo.InvariantCulture),
        RequireSignificantFall = rule.RequireSignificantFall,
        WindowDays = rule.WindowDays.ToString(CultureInfo.InvariantCulture),
        MaxBreaches = rule.MaxBreaches?.ToString(CultureInfo.InvariantCulture),
        MaxPercent = rule.MaxPercent?.ToString(CultureInfo.InvariantCulture),
        WindowMinutes = rule.WindowMinutes.ToString(CultureInfo.InvariantCulture),
        MaxAgeMinutes = rule.MaxAgeMinutes?.ToString(CultureInfo.InvariantCulture),
        Experiment = rule.Experiment,
        Recipients = string.Join(", ", rule.Recipients),
    };

    /// <summary>The rule and the fields that are not numbers.</summary>
    public (AlertRule Rule, List<string> Errors) ToRule()
    {
        var errors = new List<string>();
        var rule = new AlertRule
        {
            Id = (Id ?? "").Trim(),
            Kind = (Kind ?? "").Trim(),
            Enabled = Enabled,
            Kpi = Blank(Kpi),
            CaseType = Blank(CaseType),
            Target = Number(Target, "Target"),
            RequireSignificantFall = RequireSignificantFall,
            WindowDays = (int?)Integer(WindowDays, "WindowDays") ?? 7,
            MaxBreaches = Integer(MaxBreaches, "MaxBreaches"),
            MaxPercent = Number(MaxPercent, "MaxPercent"),
            WindowMinutes = (int?)Integer(WindowMinutes, "WindowMinutes") ?? 60,
            MaxAgeMinutes = (int?)Integer(MaxAgeMinutes, "MaxAgeMinutes"),
            Experiment = Blank(Experiment),
            Recipients = (Recipients ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        };
        return (rule, errors);

        double? Number(string? text, string name)
        {
            if (Blank(text) is not { } value)
            {
                return null;
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return number;
            }

            errors.Add($"{name} '{value}' is not a number (use a dot for decimals, e.g. 0.95)");
            return null;
        }

        long? Integer(string? text, string name)
        {
            if (Blank(text) is not { } value)
            {
                return null;
            }

            if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number is >= int.MinValue and <= int.MaxValue)
            {
                return number;
            }

            errors.Add($"{name} '{value}' is not a whole number");
            return null;
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
