namespace Governance.Domain.Projects;

/// <summary>The steps of one project's lifecycle (§2), in order.</summary>
public enum ProjectStage
{
    NeedsSurvey,
    Application,
    SupportPoll,
    Review,
    Approval,
    TeamFormation,
    Implementation,
    Completion,
    Audit,
    Rectification,
    Evaluation,
    Closed,

    /// <summary>Ended before implementation: not supported, not passed by review or not approved.</summary>
    Rejected,
}

/// <summary>
/// Guards the order of a project's steps: the lifecycle moves forward only, except that audit and rectification
/// loop, and an upheld objection to the evaluation returns to evaluation.
/// </summary>
public sealed class ProjectLifecycle(ProjectStage start)
{
    private static readonly Dictionary<ProjectStage, ProjectStage[]> Allowed = new()
    {
        [ProjectStage.NeedsSurvey] = [ProjectStage.Application],
        [ProjectStage.Application] = [ProjectStage.SupportPoll],
        [ProjectStage.SupportPoll] = [ProjectStage.Review, ProjectStage.Rejected],
        [ProjectStage.Review] = [ProjectStage.Approval, ProjectStage.Rejected],
        [ProjectStage.Approval] = [ProjectStage.TeamFormation, ProjectStage.Rejected],
        [ProjectStage.TeamFormation] = [ProjectStage.Implementation],
        [ProjectStage.Implementation] = [ProjectStage.Completion],
        [ProjectStage.Completion] = [ProjectStage.Audit],
        [ProjectStage.Audit] = [ProjectStage.Rectification, ProjectStage.Evaluation],
        [ProjectStage.Rectification] = [ProjectStage.Audit],
        [ProjectStage.Evaluation] = [ProjectStage.Evaluation, ProjectStage.Closed],
        [ProjectStage.Closed] = [],
        [ProjectStage.Rejected] = [],
    };

    public ProjectStage Stage { get; private set; } = start;

    public void MoveTo(ProjectStage next)
    {
        Rule.Require(Allowed[Stage].Contains(next), "project.transition",
            $"A project cannot move from {Stage} to {next}.", $"项目不能从“{Stage}”阶段转到“{next}”阶段。");
        Stage = next;
    }
}
