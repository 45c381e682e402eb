using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class EscalationPolicyTests
{
    [Fact]
    public void Default_follows_PROCESSES_section_0()
    {
        var policy = EscalationPolicy.Default;

        Assert.Equal(new[] { 3, 0 }, policy.RemindWorkingDaysBefore);
        Assert.Equal(1, policy.SupervisorAfterWorkingDays);
        Assert.Equal(5, policy.StreetOfficeAfterWorkingDays);
        Assert.Equal(10, policy.DistrictAfterWorkingDays);
    }

    [Fact]
    public void Decreasing_escalation_offsets_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscalationPolicy([3, 0], 1, 10, 5));

        Assert.Equal(nameof(EscalationPolicy.DistrictAfterWorkingDays), ex.ParamName);
    }

    [Fact]
    public void Equal_escalation_offsets_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscalationPolicy([3, 0], 5, 5, 10));

        Assert.Equal(nameof(EscalationPolicy.StreetOfficeAfterWorkingDays), ex.ParamName);
    }

    [Fact]
    public void Escalating_on_the_due_day_itself_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscalationPolicy([3], 0, 5, 10));

        Assert.Equal(nameof(EscalationPolicy.SupervisorAfterWorkingDays), ex.ParamName);
    }

    [Theory]
    [InlineData(new[] { 3, -1 })]
    [InlineData(new[] { 3, 3 })]
    public void Negative_or_repeated_reminder_offsets_are_refused(int[] reminders)
    {
        var ex = Assert.Throws<ArgumentException>(() => new EscalationPolicy(reminders, 1, 5, 10));

        Assert.Equal(nameof(EscalationPolicy.RemindWorkingDaysBefore), ex.ParamName);
    }

    [Fact]
    public void A_per_process_policy_can_be_derived_with_with_and_compares_by_value()
    {
        var slower = EscalationPolicy.Default with { DistrictAfterWorkingDays = 15 };

        Assert.Equal(15, slower.DistrictAfterWorkingDays);
        Assert.NotEqual(EscalationPolicy.Default, slower);
        Assert.Equal(EscalationPolicy.Default, new EscalationPolicy([3, 0], 1, 5, 10));
        Assert.Equal(EscalationPolicy.Default.GetHashCode(), new EscalationPolicy([3, 0], 1, 5, 10).GetHashCode());
    }

    [Fact]
    public void The_policy_keeps_its_own_copy_of_the_reminder_offsets()
    {
        var offsets = new[] { 3, 0 };
        var policy = new EscalationPolicy(offsets, 1, 5, 10);

        offsets[0] = -7;

        Assert.Equal(new[] { 3, 0 }, policy.RemindWorkingDaysBefore);
    }

    [Fact]
    public void ToString_shows_the_reminder_offsets()
    {
        Assert.Contains("RemindWorkingDaysBefore = [3, 0]", EscalationPolicy.Default.ToString());
    }
}
