namespace Governance.Domain.Calendar;

/// <summary>How far up the chain an overdue matter has gone: community (社区) → street office (街道办事处) → district (区).</summary>
public enum EscalationLevel
{
    /// <summary>无: not escalated.</summary>
    None = 0,

    /// <summary>主管: the responsible party's supervisor.</summary>
    Supervisor = 1,

    /// <summary>街道办事处: the street office.</summary>
    StreetOffice = 2,

    /// <summary>区: the district.</summary>
    District = 3,
}
