namespace Demo.Simulation;

/// <summary>What a cell does to its members, as the simulator and the truth see it.</summary>
public enum Treatment
{
    /// <summary>Not contacted (the campaign's control group).</summary>
    Control,

    /// <summary>Retention: direct mail only.</summary>
    Mail,

    /// <summary>Retention: direct mail, then an outbound call 7 days later if no response yet.</summary>
    MailThenCall,

    /// <summary>Retention: an outbound call only.</summary>
    Call,

    /// <summary>Acquisition: mail with the discount offer.</summary>
    DiscountMail,

    /// <summary>Acquisition: mail with the service-benefit offer.</summary>
    ServiceMail,
}
