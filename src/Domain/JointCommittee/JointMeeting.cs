namespace Governance.Domain.JointCommittee;

/// <summary>
/// The joint meeting's rules (联席会议): a regular meeting's date falls within its quarter; the notice and agenda go
/// out at least <c>noticeDays</c> calendar days before the meeting, so a date set later than that is refused.
/// </summary>
public static class JointMeeting
{
    public static DateOnly CheckDate(DateOnly date, DateOnly today, int noticeDays, Quarter? quarter)
    {
        if (quarter is { } q)
        {
            Rule.Require(q.Contains(date), "meeting.date",
                $"The meeting of Q{q.Number} must be held between {q.Start:yyyy-MM-dd} and {q.End:yyyy-MM-dd}; {date:yyyy-MM-dd} is outside.",
                $"第{q.Number}季度联席会议须在{q.Start:yyyy-MM-dd}至{q.End:yyyy-MM-dd}之间召开，{date:yyyy-MM-dd}不在其内。");
        }

        Rule.Require(date >= today.AddDays(noticeDays), "meeting.noticePeriod",
            $"The notice and agenda are due {noticeDays} days before the meeting: the earliest date set today is {today.AddDays(noticeDays):yyyy-MM-dd}.",
            $"会议通知和议程须提前{noticeDays}天发出，今天确定的会期最早为{today.AddDays(noticeDays):yyyy-MM-dd}。");
        return date;
    }

    public static IReadOnlyList<string> CheckAgenda(IReadOnlyList<string>? agenda)
    {
        Rule.Require(agenda is { Count: > 0 } && agenda.All(t => !string.IsNullOrWhiteSpace(t)), "meeting.agenda",
            "The agenda needs at least one topic, none blank.", "会议议程至少须有一项议题，且不能为空。");
        return agenda!;
    }
}

/// <summary>A task the meeting assigned to a member unit (交办任务).</summary>
public sealed record AssignedTask(string Unit, string Task);

/// <summary>A project matched at the meeting (项目清单), led by a member unit (领办).</summary>
public sealed record MatchedProject(string ProjectName, string LeadUnit, decimal PerProjectCap, string? Need = null);

/// <summary>
/// The minutes of a joint meeting (会议纪要): attending units, topics, decisions, assigned tasks and the projects
/// matched with their lead units. Every unit named must be a member unit; topics and decisions are required.
/// </summary>
public sealed record MeetingMinutes
{
    public MeetingMinutes(MemberUnits members, IReadOnlyList<string>? attendingUnits, IReadOnlyList<string>? topics, IReadOnlyList<string>? decisions,
        IReadOnlyList<AssignedTask>? assignedTasks, IReadOnlyList<MatchedProject>? matchedProjects)
    {
        Rule.Require(attendingUnits is { Count: > 0 }, "minutes.attendance", "The minutes must list the attending member units.", "会议纪要须列明出席的成员单位。");
        AttendingUnits = attendingUnits!.Select(u => members.Require(u, "minutes.attendance", "Attending unit", "出席单位")).Distinct().ToList();
        Rule.Require(topics is { Count: > 0 } && topics.All(t => !string.IsNullOrWhiteSpace(t)), "minutes.topics",
            "The minutes must list the topics discussed.", "会议纪要须列明议题。");
        Rule.Require(decisions is { Count: > 0 } && decisions.All(t => !string.IsNullOrWhiteSpace(t)), "minutes.decisions",
            "The minutes must record the decisions.", "会议纪要须记录议定事项。");
        Topics = topics!;
        Decisions = decisions!;
        AssignedTasks = (assignedTasks ?? []).Select(t => new AssignedTask(members.Require(t.Unit, "minutes.tasks", "Assigned unit", "承办单位"),
            Rule.RequireText(t.Task, "minutes.tasks", "The assigned task", "交办任务"))).ToList();
        var projects = matchedProjects ?? [];
        foreach (var p in projects)
        {
            Rule.RequireText(p.ProjectName, "minutes.projects", "The project's name", "项目名称");
            members.Require(p.LeadUnit, "minutes.projects", "Lead unit", "领办单位");
            Rule.Require(p.PerProjectCap > 0, "minutes.projects", $"Project '{p.ProjectName}' needs a funding cap above zero.", $"项目“{p.ProjectName}”的资助上限须大于零。");
        }

        Rule.Require(projects.Select(p => p.ProjectName.Trim()).Distinct().Count() == projects.Count, "minutes.projects",
            "A project is listed twice.", "项目清单中有重复项目。");
        MatchedProjects = projects;
    }

    public IReadOnlyList<string> AttendingUnits { get; }
    public IReadOnlyList<string> Topics { get; }
    public IReadOnlyList<string> Decisions { get; }
    public IReadOnlyList<AssignedTask> AssignedTasks { get; }
    public IReadOnlyList<MatchedProject> MatchedProjects { get; }
}
