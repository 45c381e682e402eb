namespace Governance.Domain.Elections;

/// <summary>
/// The candidates standing for a number of seats. An estate election is competitive (差额选举): more candidates
/// than seats, or it is refused. Names are trimmed and must be unique (the tally refers to candidates by name).
/// </summary>
public sealed record CandidateList
{
    public CandidateList(int seats, IReadOnlyList<string> names)
    {
        Rule.Require(seats > 0, "election.seats", "An election needs at least one seat.", "选举的职数至少为1。");
        Rule.Require(names is not null && names.All(n => !string.IsNullOrWhiteSpace(n)), "election.candidateName",
            "Every candidate needs a name.", "每位候选人都须填写姓名。");
        var trimmed = names!.Select(n => n.Trim()).ToList();
        var duplicate = trimmed.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        Rule.Require(duplicate is null, "election.duplicateCandidate",
            $"Candidate '{duplicate}' is listed twice.", $"候选人“{duplicate}”重复。");
        Rule.Require(trimmed.Count > seats, "election.notCompetitive",
            $"A competitive election needs more candidates than seats ({trimmed.Count} candidates for {seats} seats).",
            $"差额选举的候选人数须多于应选职数(候选人{trimmed.Count}名,应选{seats}名)。");
        Seats = seats;
        Names = trimmed;
    }

    public int Seats { get; }

    public IReadOnlyList<string> Names { get; }
}
