namespace Governance.Domain.Projects;

/// <summary>A finding of the oversight group with the date by which it must be rectified (整改).</summary>
public sealed record AuditFinding(string Description, DateOnly RectifyBy);

/// <summary>
/// The oversight group's audit (项目监审组): passed, or findings each with a rectification deadline after the audit.
/// A passed audit has no open findings; a failed one has at least one.
/// </summary>
public sealed record AuditResult
{
    public AuditResult(bool passed, IReadOnlyList<AuditFinding>? findings, DateOnly auditedOn)
    {
        findings ??= [];
        Rule.Require(passed || findings.Count > 0, "audit.findingsRequired",
            "An audit that does not pass must list its findings.", "审计未通过时必须列明问题。");
        Rule.Require(!passed || findings.Count == 0, "audit.passedWithFindings",
            "A passed audit cannot have open findings.", "审计通过时不能有未整改的问题。");
        foreach (var f in findings)
        {
            Rule.RequireText(f.Description, "audit.finding", "Finding description", "问题描述");
            Rule.Require(f.RectifyBy > auditedOn, "audit.deadline",
                $"The rectification deadline {f.RectifyBy:yyyy-MM-dd} must be after the audit ({auditedOn:yyyy-MM-dd}).",
                $"整改期限{f.RectifyBy:yyyy-MM-dd}必须晚于审计日期{auditedOn:yyyy-MM-dd}。");
        }

        Passed = passed;
        Findings = findings;
        AuditedOn = auditedOn;
    }

    public bool Passed { get; }
    public IReadOnlyList<AuditFinding> Findings { get; }
    public DateOnly AuditedOn { get; }

    /// <summary>When the rectification is due: the latest finding deadline.</summary>
    public DateOnly? RectificationDue => Passed ? null : Findings.Max(f => f.RectifyBy);
}
