namespace Governance.Domain.Elections;

/// <summary>
/// The turnout quorum of an estate election: at least two thirds of the households (三分之二以上). In Chinese legal
/// usage 以上 includes the number itself, so 200 ballots of 300 households meet it and 199 do not. Counted in whole
/// numbers (ballots × 3 ≥ households × 2) so no rounding can move the boundary.
/// </summary>
public static class TurnoutQuorum
{
    public static bool IsMet(int households, int ballotsCast) => (long)ballotsCast * 3 >= (long)households * 2;

    /// <summary>The fewest ballots that meet the quorum (⌈2/3 × households⌉).</summary>
    public static int Required(int households) => (int)(((long)households * 2 + 2) / 3);
}

/// <summary>What happens after an assembly missed its quorum.</summary>
public enum QuorumFailureAction
{
    /// <summary>The assembly is called again.</summary>
    Reschedule,

    /// <summary>Called again, and the street office is told (our reading: from the second failure on).</summary>
    RescheduleAndEscalate,
}

/// <summary>Our reading of §3: a failed quorum reschedules the assembly; the second failure in a row escalates to the street office.</summary>
public static class QuorumFailurePolicy
{
    public const int EscalateFromFailure = 2;

    public static QuorumFailureAction After(int failuresInARow)
    {
        Rule.Require(failuresInARow >= 1, "election.failures", "The number of failed assemblies starts at 1.", "未达法定人数的次数从1开始。");
        return failuresInARow >= EscalateFromFailure ? QuorumFailureAction.RescheduleAndEscalate : QuorumFailureAction.Reschedule;
    }
}
