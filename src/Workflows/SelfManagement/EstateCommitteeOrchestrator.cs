using Governance.Domain.Elections;
using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>
/// §3, one estate's self-management committee (小区自管委员会, 六步工作法). The first run sets the committee up
/// (1 find the able, 2 build the organisation with its election, 3 the convention); every run then does one year
/// (4 empower, 5 solve problems, 6 evaluate) and continues as new for the next year, so each year has its own
/// readable, bounded history. When the term of office has passed, the year starts with a new election.
/// </summary>
public sealed class EstateCommitteeOrchestrator : TaskOrchestrator<EstateCommitteeInput, CommitteeYearReport>
{
    public const string WorkflowName = "estate-committee";

    public override async Task<CommitteeYearReport> RunAsync(TaskOrchestrationContext context, EstateCommitteeInput input)
    {
        var rules = await context.CallActivityAsync<SelfManagementRules>(nameof(LoadSelfManagementRulesActivity), WorkflowName);
        int term = input.TermYears ?? rules.TermYears;
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, input.Estate), rules.Escalation)
        {
            NoticeIdPrefix = $"{input.Year}.", // one execution per year: notice ids stay unique across years
        };

        var committee = input.Committee;
        int yearOfTerm = input.YearOfTerm;
        ElectionOutcome? election = null;
        if (committee is null)
        {
            await CommitteeSetup.FindTalentAsync(tracker, rules);
            election = await CommitteeSetup.OrganiseAsync(tracker, rules, input.Seats);
            string convention = await CommitteeSetup.SetConventionAsync(tracker, rules);
            committee = new EstateCommittee(election.Elected, input.Year, tracker.Today, convention);
            yearOfTerm = 1;
        }
        else if (yearOfTerm > term)
        {
            await tracker.NotifyAsync("term", NotificationKinds.Notice, ElectionSteps.AssemblyEvent, "换届选举", "New election", SelfManagementRoles.Community,
                EscalationLevel.None, null,
                $"{input.Estate}自管委员会任期{term}年届满({committee.ElectedInYear}年选出),进行换届选举。",
                $"The {input.Estate} committee's {term}-year term (elected {committee.ElectedInYear}) has ended: a new election is held.");
            election = await CommitteeSetup.OrganiseAsync(tracker, rules, input.Seats);
            committee = committee with { Members = election.Elected, ElectedInYear = input.Year, ElectedOn = tracker.Today };
            yearOfTerm = 1;
        }

        // The year runs from its period start, carried from the year before; only the first year starts "now".
        DateOnly periodStart = input.PeriodStart ?? tracker.Today;
        var report = await new CommitteeYear(tracker, rules, input).RunAsync(committee, election, periodStart);
        if (input.StopAfterYear is { } last && input.Year >= last)
        {
            tracker.Step($"{input.Year}年度已结束,自管工作终止", $"Year {input.Year} closed; self-management ended");
            return report;
        }

        tracker.Step($"{input.Year}年度已结束,进入{input.Year + 1}年度", $"Year {input.Year} closed; continuing with {input.Year + 1}");
        NextYear.ContinueWith(context, SelfManagementCatalog.EstateCommittee, input with
        {
            Year = input.Year + 1, Committee = committee, YearOfTerm = yearOfTerm + 1, LastYear = report,
            PeriodStart = periodStart.AddYears(1), // from the period, not from today: a late review does not push the next year later
        });
        return report;
    }
}
