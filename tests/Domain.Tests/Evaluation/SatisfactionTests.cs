using Governance.Domain;
using Governance.Domain.Evaluation;
using Governance.Domain.Projects;

namespace Governance.Domain.Tests.Evaluation;

public class SatisfactionTests
{
    [Fact]
    public void The_rate_is_a_fraction_rounded_to_four_places()
    {
        Assert.Equal(0.9429m, Satisfaction.Rate(198, 210));
        Assert.Equal(0.3333m, Satisfaction.Rate(1, 3));
        Assert.Equal(1m, Satisfaction.Rate(5, 5));
    }

    [Fact]
    public void A_project_rating_and_a_resident_survey_report_the_same_rate_as_everyone_else()
    {
        // Before, a project's rating kept every decimal (0.3333333…) while the other processes rounded to four places.
        Assert.Equal(Satisfaction.Rate(1, 3), new SatisfactionRating(3, 1).Rate);
        Assert.Equal(Satisfaction.Rate(1, 3), new SatisfactionSurvey(10, 3, 1).SatisfactionRate);
    }

    [Fact]
    public void Nobody_asked_or_more_satisfied_than_asked_is_refused_by_rule()
    {
        Assert.Equal("satisfaction.respondents", Assert.Throws<DomainRuleException>(() => Satisfaction.Rate(0, 0)).Code);
        Assert.Equal("satisfaction.satisfied", Assert.Throws<DomainRuleException>(() => Satisfaction.Rate(4, 3)).Code);
    }
}
