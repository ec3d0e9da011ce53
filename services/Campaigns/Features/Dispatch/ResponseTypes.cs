namespace Campaigns.Features.Dispatch;

/// <summary>Which response types (Ingestion's vocabulary) count for the conditions of later steps.</summary>
public static class ResponseTypes
{
    /// <summary>The customer acted on the campaign: a <c>no_response_yet</c> step skips them.</summary>
    public static readonly string[] Responded = ["clicked", "replied", "converted", "inbound-call"];

    /// <summary>A contact reached the customer: a <c>not_reached</c> step skips them.</summary>
    public static readonly string[] Reached = ["delivered", "answered", "opened", "clicked", "replied", "converted", "inbound-call"];

    /// <summary>The opt-out type.</summary>
    public const string OptedOut = "opted-out";
}
