using Governance.Workflows.Common;

namespace Governance.Workflows.Tests;

/// <summary>The shared "publicity, redo on an upheld objection" loop every process uses.</summary>
public sealed class RedoOnObjectionTests
{
    private static readonly DateOnly Posted = new(2026, 3, 2), Ends = new(2026, 3, 9);

    private static ObjectionRecord Ruled(string by, bool upheld)
        => new(new Objection(by, "理由"), new ObjectionRuled(upheld, "裁定", "街道"));

    private static PublicityOutcome Outcome(bool upheld, params ObjectionRecord[] objections) => new(Posted, Ends, upheld, objections);

    [Fact]
    public async Task Result_that_passes_its_first_publicity_is_produced_once()
    {
        int produced = 0, noted = 0;

        var publicised = await RedoOnObjection.RunAsync(() => Task.FromResult(++produced), _ => Task.FromResult(Outcome(false)), _ => noted++);

        Assert.Equal(1, publicised.Result);
        Assert.Equal(1, publicised.Attempts);
        Assert.Equal(0, noted);
        Assert.Empty(publicised.Objections);
    }

    [Fact]
    public async Task Upheld_objection_redoes_the_result_and_every_ruling_is_kept()
    {
        int produced = 0;
        var rejected = new List<int>();
        var outcomes = new Queue<PublicityOutcome>([
            Outcome(true, Ruled("甲", false), Ruled("乙", true)),
            Outcome(false, Ruled("丙", false)),
        ]);
        var publicisedResults = new List<int>();

        var publicised = await RedoOnObjection.RunAsync(
            () => Task.FromResult(++produced),
            result =>
            {
                publicisedResults.Add(result);
                return Task.FromResult(outcomes.Dequeue());
            },
            rejected.Add);

        Assert.Equal(2, publicised.Result);
        Assert.Equal(2, publicised.Attempts);
        Assert.Equal([1, 2], publicisedResults);
        Assert.Equal([1], rejected);
        Assert.Equal(["甲", "乙", "丙"], publicised.Objections.Select(o => o.Objection.RaisedBy));
        Assert.False(publicised.Publicity.Upheld);
        Assert.Single(publicised.Publicity.Objections);
    }
}
