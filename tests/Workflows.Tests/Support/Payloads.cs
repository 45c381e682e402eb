using Governance.Domain.Projects;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.Tests.Support;

/// <summary>Realistic payloads from the Qingyuan pilot (seed 002).</summary>
internal static class Payloads
{
    public static readonly DateTime RoundOpensUtc = new(2025, 3, 3, 1, 0, 0, DateTimeKind.Utc); // Monday 09:00 China time

    public static FundingRoundInput Round(decimal budget = 30_000m, decimal cap = 12_000m) =>
        new("清源街道", 2025, "2025年社区服务项目", budget, cap, new DateOnly(2025, 3, 14));

    public static ApplicationSubmitted Application(string community, string project, decimal budget, int supporters, int respondents, int months = 6, string? overrideReason = null) =>
        new(community, project, "满足居民需求", "按计划开展活动", ["服务居民200人次"], "居委会与居民志愿者",
            [new BudgetLine("物资", budget / 2), new BudgetLine("活动", budget / 2)], months,
            new NeedsSurveyCompleted("需求调查结论", respondents, [SurveyMethod.Questionnaire]),
            new SupportPollCompleted(respondents, supporters, overrideReason is not null, overrideReason));

    public static TeamFormed Team(DateOnly signedOn, bool withFinanceLead = true) => new(
        withFinanceLead
            ? [new TeamMember("王芳", TeamRole.Lead, "统筹", signedOn), new TeamMember("赵敏", TeamRole.FinanceLead, "账目", signedOn), new TeamMember("李强", TeamRole.Member, "活动", signedOn)]
            : [new TeamMember("王芳", TeamRole.Lead, "统筹", signedOn), new TeamMember("李强", TeamRole.Member, "活动", signedOn)],
        signedOn);

    public static CompletionDocumentsSubmitted Completion(decimal budgeted, decimal spent) => new(
        new ExecutionReport("执行完毕", 12, 300), [new SpendingLine("物资", budgeted, spent)], budgeted, spent,
        new EvaluationReport("指标完成", ["服务居民200人次"], []));

    public static ProjectLifecycleInput FundedProject(int months = 1, decimal granted = 10_000m) =>
        new("清源街道", "金华里社区", 2025, "新居民之家", "2025年社区服务项目",
            new RoundGrant(1, Application("金华里社区", "新居民之家", granted, 160, 240, months), granted), MidTermCheck: false);
}
