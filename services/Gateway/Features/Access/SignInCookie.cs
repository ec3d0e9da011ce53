namespace Gateway.Features.Access;

/// <summary>
/// Browsers cannot send a bearer header when a marketer opens a results page, so <c>POST /sign-in</c> with a key puts
/// it in this HttpOnly, SameSite=Strict cookie; the key check accepts it for GET requests of the pages only.
/// </summary>
public static class SignInCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "platform_key";

    /// <summary>The sign-in page (GET shows the form, POST with form fields <c>key</c> and <c>returnUrl</c> signs in).</summary>
    public const string Path = "/sign-in";

    /// <summary>Paths under which the cookie counts as a key (the results pages).</summary>
    public const string PagesPrefix = "/pages";
}
