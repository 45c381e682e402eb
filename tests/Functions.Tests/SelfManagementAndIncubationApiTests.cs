using System.Net;
using Governance.TestSupport;

namespace Governance.Functions.Tests;

/// <summary>The estate committee and incubation processes over HTTP: their rules answer 400 at once naming field and rule; the incubator view.</summary>
[Collection(ServiceCollection.Name)]
public sealed class SelfManagementAndIncubationApiTests(ServiceFixture fixture) : GovernanceServiceTest(fixture)
{
    private async Task SubmitOkAsync(string id, string step, object payload)
    {
        using var r = await SubmitAsync(id, step, payload);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{step}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    private async Task StartAsync(string workflow, string id, object input)
    {
        using var start = await Staff.PostAsync($"/api/workflows/{workflow}?instanceId={id}", Http.Json(input));
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, await start.Content.ReadAsStringAsync());
    }

    private static object Incubation(string community) => new { street = "泉口街道", community, incubator = "浏河孵化基地", year = 2027, workingName = "银龄互助队" };

    private async Task ToBoardElectionAsync(string id)
    {
        await SubmitOkAsync(id, "IncubationNeedsSurveyed", new { interviews = 30, questionnaires = 120, targetGroup = "低龄老人", needs = "照顾高龄老人" });
        await SubmitOkAsync(id, "InterestActivitiesHeld", new { activities = 3, participants = 40, targetGroupConfirmed = true });
        await SubmitOkAsync(id, "GroupDiscussionsHeld", new { discussions = 4, members = 36 });
        await SubmitOkAsync(id, "ActionPlanAdopted", new { plan = "每周结对探访", activitiesRun = 6 });
        await SubmitOkAsync(id, "LeadersChosen", new { leaders = new[] { "周桂芳" }, coreMembers = 12 });
    }

    [Fact]
    public async Task An_impossible_board_tally_and_a_list_without_more_candidates_than_seats_answer_400_naming_field_and_rule()
    {
        string id = $"inc-{Guid.NewGuid():N}";
        await StartAsync("organisation-incubation", id, Incubation("浏河社区-" + id[^6..]));
        await ToBoardElectionAsync(id);

        using (var notCompetitive = await SubmitAsync(id, "StructureAdopted", new { structure = "理事会", rules = new[] { "例会" }, seats = 2, candidates = new[] { "周桂芳", "陈德明" }, membersEntitledToVote = 36 }))
        {
            var problem = await notCompetitive.ProblemAsync(400);
            Assert.Equal(("election.notCompetitive", "candidates"), ((string?)problem["rule"], (string?)problem["field"]));
        }

        await SubmitOkAsync(id, "StructureAdopted", new { structure = "理事会", rules = new[] { "例会" }, seats = 2, candidates = new[] { "周桂芳", "陈德明", "吴秀兰" }, membersEntitledToVote = 36 });
        using (var tooManyBallots = await SubmitAsync(id, "ElectionAssemblyHeld", new { heldOn = "2027-06-01", households = 36, attendees = 30, ballotsCast = 31, votes = Array.Empty<object>() }))
        {
            var problem = await tooManyBallots.ProblemAsync(400);
            Assert.Equal(("election.ballotsOverAttendees", "ballotsCast"), ((string?)problem["rule"], (string?)problem["field"]));
        }

        using (var tooManyVotes = await SubmitAsync(id, "ElectionAssemblyHeld", new { heldOn = "2027-06-01", households = 36, attendees = 30, ballotsCast = 30,
                   votes = new[] { new { candidate = "周桂芳", votes = 31 } } }))
        {
            var problem = await tooManyVotes.ProblemAsync(400);
            Assert.Equal(("election.votesOverBallots", "votes"), ((string?)problem["rule"], (string?)problem["field"]));
        }

        // The refused tallies changed nothing: a valid one is taken by the same step.
        await SubmitOkAsync(id, "ElectionAssemblyHeld", new { heldOn = "2027-06-01", households = 36, attendees = 30, ballotsCast = 30,
            votes = new[] { new { candidate = "周桂芳", votes = 25 }, new { candidate = "陈德明", votes = 20 }, new { candidate = "吴秀兰", votes = 10 } } });
        await Http.WaitForStepAsync(Staff, id, "OrganisationRegistered");
    }

    [Fact]
    public async Task An_estate_committee_refuses_a_preliminary_list_that_is_not_competitive_and_a_start_without_seats()
    {
        using (var noSeats = await Staff.PostAsync("/api/workflows/estate-committee", Http.Json(new { street = "泉口街道", community = "浏河社区", estate = "化工小区", year = 2027, households = 300, seats = 0 })))
        {
            Assert.Equal("seats", (string?)(await noSeats.ProblemAsync(400))["field"]);
        }

        using (var withCommittee = await Staff.PostAsync("/api/workflows/estate-committee", Http.Json(new { street = "泉口街道", community = "浏河社区", estate = "化工小区", year = 2027,
                   households = 300, seats = 3, committee = new { members = new[] { "张建国" }, electedInYear = 2027, electedOn = "2027-01-01" } })))
        {
            Assert.Equal("committee", (string?)(await withCommittee.ProblemAsync(400))["field"]); // a committee is elected, never given
        }

        string id = $"est-{Guid.NewGuid():N}";
        await StartAsync("estate-committee", id, new { street = "泉口街道", community = "浏河社区", estate = "化工小区", year = 2027, households = 300, seats = 3 });
        var observed = new { takesPart = true, cooperates = true, carriesOut = true, recognisedByResidents = true };
        await SubmitOkAsync(id, "TalentSearchCompleted", new { talents = new[] { new { name = "张建国", group = "RetiredOfficial", observations = observed } }, activitiesHeld = 6 });
        await SubmitOkAsync(id, "ConsultationMeetingsHeld", new { residentsForumOn = "2027-03-10", residentsForumAttendees = 46, buildingLeadersMeetingOn = "2027-03-12", buildingLeadersAttendees = 12, views = "成立自管委员会" });
        await SubmitOkAsync(id, "NominationsClosed", new { nominations = new[] { "张建国", "李秀英", "王志强", "赵桂兰" }.Select(n => new { name = n, channel = "Self" }) });
        using var notCompetitive = await SubmitAsync(id, "CandidatesScreened", new
        {
            candidates = new[] { ("张建国", true), ("李秀英", true), ("王志强", true), ("赵桂兰", false) }
                .Select(c => new { name = c.Item1, noCriminalRecord = c.Item2, willing = true, hasTime = true, hasEnergy = true, hasIdeas = true }),
        });
        var problem = await notCompetitive.ProblemAsync(400);
        Assert.Equal(("election.notCompetitive", "candidates"), ((string?)problem["rule"], (string?)problem["field"]));
        Assert.Contains("差额选举", (string?)problem["detailZh"]);

        // The refused step stays open in the Staff inbox, with its responsible role, due date and the estate's tags.
        using var inbox = await Staff.GetAsync("/api/tasks?community=浏河社区&role=communityPartyOrganisation");
        var item = Assert.Single((await inbox.ReadJsonAsync()).AsArray(), i => (string?)i!["instanceId"] == id)!;
        Assert.Equal(("CandidatesScreened", "estate-committee", "CandidatesScreened#1"), ((string?)item["eventName"], (string?)item["workflow"], (string?)item["stepToken"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)item["stepZh"]));
    }

    [Fact]
    public async Task The_incubator_view_counts_organisations_per_stage_in_a_community()
    {
        string community = "浏河社区-" + Guid.NewGuid().ToString("N")[..6];
        string early = $"inc-{Guid.NewGuid():N}", later = $"inc-{Guid.NewGuid():N}";
        await StartAsync("organisation-incubation", early, Incubation(community));
        await StartAsync("organisation-incubation", later, Incubation(community));
        await ToBoardElectionAsync(later);
        await Http.WaitForStepAsync(Staff, later, "StructureAdopted");
        await Http.WaitForStepAsync(Staff, early, "IncubationNeedsSurveyed");

        using var r = await Staff.GetAsync($"/api/incubator?community={Uri.EscapeDataString(community)}");
        var view = await r.ReadJsonAsync();
        Assert.Equal(2, (int)view["organisations"]!);
        Assert.Equal(1, (int)view["byStage"]!["findNeeds"]!);
        Assert.Equal(1, (int)view["byStage"]!["formalise"]!);
        Assert.Equal(0, (int)view["graduated"]!);

        using var tooLong = await Staff.GetAsync($"/api/incubator?community={new string('x', 101)}");
        var problem = await tooLong.ProblemAsync(400);
        Assert.Equal(("max-length", "community"), ((string?)problem["rule"], (string?)problem["field"]));
    }

    [Theory]
    [InlineData("estate-problem", "estate-committee")]
    [InlineData("joint-committee-work-order", "joint-committee")]
    public async Task A_process_started_by_its_parent_cannot_be_started_directly(string workflow, string parent)
    {
        string id = $"direct-{Guid.NewGuid():N}";
        using var start = await Staff.PostAsync($"/api/workflows/{workflow}?instanceId={id}", Http.Json(new { }));

        var problem = await start.ProblemAsync(400);
        Assert.Equal(("started-by-parent", "name", parent), ((string?)problem["rule"], (string?)problem["field"], (string?)problem["startedBy"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["detailZh"]));
        using var status = await Staff.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode); // nothing was created

        // The catalog still lists it (for its steps and history) and says who starts it.
        var catalog = await Staff.GetStringAsync("/api/workflows/catalog");
        Assert.Contains($"\"startedBy\":\"{parent}\"", catalog);
    }
}
