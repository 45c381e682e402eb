using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.Incubation;

/// <summary>Responsible roles of §4.</summary>
public static class IncubationRoles
{
    /// <summary>The incubator platform (the "1"), e.g. the community with its social-work partner.</summary>
    public const string Incubator = "incubator";

    /// <summary>Whoever evaluates: the incubator itself or a third party.</summary>
    public const string Evaluator = "evaluator";
}

/// <summary>The §4 process with every human step, its payload and responsible role.</summary>
public static class IncubationCatalog
{
    public static WorkflowDefinition Incubation { get; } = new(
        IncubationOrchestrator.WorkflowName, "社区社会组织孵化(“149”模式)", "Community organisation incubation (\"149\")",
        nameof(IncubationOrchestrator), typeof(IncubationInput),
        [
            new(nameof(IncubationNeedsSurveyed), "1 调研居民需求", "1 Survey residents' needs", typeof(IncubationNeedsSurveyed), IncubationRoles.Incubator),
            new(nameof(InterestActivitiesHeld), "2 兴趣活动确认目标群体", "2 Interest activities confirm the target group", typeof(InterestActivitiesHeld), IncubationRoles.Incubator),
            new(nameof(GroupDiscussionsHeld), "3 分组讨论", "3 Group discussions", typeof(GroupDiscussionsHeld), IncubationRoles.Incubator),
            new(nameof(ActionPlanAdopted), "4 团队行动计划", "4 Team action plan", typeof(ActionPlanAdopted), IncubationRoles.Incubator),
            new(nameof(LeadersChosen), "5 推选带头人", "5 Pick the leaders", typeof(LeadersChosen), IncubationRoles.Incubator),
            new(nameof(StructureAdopted), "6 组织架构、制度与理事候选人", "6 Structure, rules, board candidates", typeof(StructureAdopted), IncubationRoles.Incubator),
            new(ElectionSteps.AssemblyEvent, "6 理事会选举计票", "6 Board election count", typeof(ElectionAssemblyHeld), IncubationRoles.Incubator),
            new(ElectionSteps.RunOffEvent, "6 理事会另行选举计票", "6 Board run-off count", typeof(RunOffHeld), IncubationRoles.Incubator),
            new(nameof(OrganisationRegistered), "7 组织标识与登记备案", "7 Identity and registration or filing", typeof(OrganisationRegistered), IncubationRoles.Incubator),
            new(nameof(CharterAdopted), "8 社团公约与积分制度", "8 Charter and points scheme", typeof(CharterAdopted), IncubationRoles.Incubator),
            new(nameof(SupportReported), "9 资源链接与培训情况", "9 Funding links and training", typeof(SupportReported), IncubationRoles.Incubator),
            new(nameof(EvaluationCompleted), "9 定期评估", "9 Periodic evaluation", typeof(EvaluationCompleted), IncubationRoles.Evaluator),
            new(nameof(CorrectiveActionsCompleted), "9 落实整改", "9 Corrective actions", typeof(CorrectiveActionsCompleted), IncubationRoles.Incubator),
        ])
    {
        TagsFromInput = input => input is IncubationInput i ? i.Tags() : new Dictionary<string, string>(),
    };
}
