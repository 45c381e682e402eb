using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class EscalationLevelNamesTests
{
    [Theory]
    [InlineData(EscalationLevel.None, "无", "None")]
    [InlineData(EscalationLevel.Supervisor, "主管", "Supervisor")]
    [InlineData(EscalationLevel.StreetOffice, "街道办事处", "Street office")]
    [InlineData(EscalationLevel.District, "区", "District")]
    public void Each_level_has_a_Chinese_and_an_English_name(EscalationLevel level, string chinese, string english)
    {
        Assert.Equal(chinese, level.ToChinese());
        Assert.Equal(english, level.ToEnglish());
    }

    [Fact]
    public void Levels_are_ordered_up_the_chain()
    {
        Assert.True(EscalationLevel.None < EscalationLevel.Supervisor);
        Assert.True(EscalationLevel.Supervisor < EscalationLevel.StreetOffice);
        Assert.True(EscalationLevel.StreetOffice < EscalationLevel.District);
    }

    [Fact]
    public void An_undefined_level_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((EscalationLevel)9).ToChinese());
    }
}
