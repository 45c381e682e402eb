namespace Governance.Domain.Projects;

/// <summary>
/// Residents' support for a project (群众评议, Chongchuan): 支持率 = supporters ÷ respondents. Below the threshold
/// (normally 50%) the project is not implemented unless an override with a recorded reason is given.
/// Exactly the threshold passes.
/// </summary>
public sealed record SupportPoll
{
    public SupportPoll(int respondents, int supporters)
    {
        Rule.Require(respondents > 0, "support.respondents",
            "The support poll must have at least one respondent.", "群众评议的受访人数必须大于零。");
        Rule.Require(supporters >= 0, "support.supporters", "Supporters cannot be negative.", "支持人数不能为负数。");
        Rule.Require(supporters <= respondents, "support.supporters",
            $"Supporters ({supporters}) exceed respondents ({respondents}).",
            $"支持人数({supporters})超过受访人数({respondents})。");
        Respondents = respondents;
        Supporters = supporters;
    }

    public int Respondents { get; }
    public int Supporters { get; }

    /// <summary>Exact rate as a decimal fraction (0.499 for 49.9%); decimals avoid binary rounding at the threshold.</summary>
    public decimal Rate => (decimal)Supporters / Respondents;

    /// <summary>
    /// Decides with an explicit override choice: <paramref name="overrideRequested"/> needs a reason that is not
    /// blank, and a reason without the choice is refused rather than guessed at (a blank reason never silently
    /// means "no override", nor does a reason silently mean "override").
    /// </summary>
    public SupportDecision DecideExplicit(decimal threshold, bool overrideRequested, string? overrideReason)
    {
        Rule.Require(!overrideRequested || !string.IsNullOrWhiteSpace(overrideReason), "support.overrideReason",
            "Overriding the support threshold needs a written reason (the reason is empty).", "突破支持率门槛必须书面说明理由（理由为空）。");
        Rule.Require(overrideRequested || overrideReason is null, "support.overrideNotRequested",
            "An override reason was given without choosing to override: set override to true, or leave the reason out.",
            "填写了特别说明理由但未选择突破门槛：请将 override 设为 true，或删除理由。");
        return Decide(threshold, overrideRequested ? overrideReason : null);
    }

    public SupportDecision Decide(decimal threshold = SupportDecision.DefaultThreshold, string? overrideReason = null)
    {
        Rule.Require(threshold is > 0 and <= 1, "support.threshold",
            $"The support threshold {threshold} must be within (0, 1].", $"支持率门槛{threshold}必须在0到1之间。");
        bool reached = Supporters >= threshold * Respondents; // avoids dividing: exact for any threshold
        if (reached)
        {
            return new SupportDecision(Rate, threshold, true, false, null);
        }

        if (string.IsNullOrWhiteSpace(overrideReason))
        {
            return new SupportDecision(Rate, threshold, false, false, null);
        }

        return new SupportDecision(Rate, threshold, true, true, overrideReason.Trim());
    }
}

/// <summary>Whether a project may proceed after the support poll, and why.</summary>
public sealed record SupportDecision(decimal Rate, decimal Threshold, bool Proceeds, bool Overridden, string? OverrideReason)
{
    public const decimal DefaultThreshold = 0.5m;

    /// <summary>"49.0%" whatever the culture (the invariant culture writes "49.0 %").</summary>
    private static string Pct(decimal fraction, int decimals)
        => (fraction * 100).ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), System.Globalization.CultureInfo.InvariantCulture) + "%";

    public string ExplainEn => Proceeds
        ? Overridden ? $"Support {Pct(Rate, 1)} is below {Pct(Threshold, 0)}; proceeds by override: {OverrideReason}" : $"Support {Pct(Rate, 1)} reaches {Pct(Threshold, 0)}."
        : $"Support {Pct(Rate, 1)} is below {Pct(Threshold, 0)}; the project is not implemented.";

    public string ExplainZh => Proceeds
        ? Overridden ? $"支持率{Pct(Rate, 1)}低于{Pct(Threshold, 0)},经特别说明继续实施:{OverrideReason}" : $"支持率{Pct(Rate, 1)},达到{Pct(Threshold, 0)}。"
        : $"支持率{Pct(Rate, 1)}低于{Pct(Threshold, 0)},项目原则上不予实施。";
}
