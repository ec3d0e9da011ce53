using System.Net;
using Gateway.Features.Access;

namespace Gateway.Features.Keys;

/// <summary>
/// Sign-in for the results pages, which browsers open without a bearer header: <c>GET /sign-in</c> shows a form,
/// <c>POST /sign-in</c> (form fields <c>key</c>, <c>returnUrl</c>) checks the key and puts it in the HttpOnly,
/// SameSite=Strict cookie <see cref="SignInCookie.Name"/>, then sends the browser (303) to the local <c>returnUrl</c>.
/// A bad key gets the form again with 401 and no cookie; a <c>returnUrl</c> that is not a local path a 400.
/// Self-contained HTML (no scripts, styles inline, no external assets).
/// </summary>
public static class SignInPage
{
    /// <summary>Maps both.</summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInCookie.Path, (string? returnUrl) => Page(ReturnUrls.IsLocal(returnUrl) ? returnUrl! : ReturnUrls.Default, null, StatusCodes.Status200OK))
            .AllowAnonymousKey()
            .ExcludeFromDescription();
        app.MapPost(SignInCookie.Path, SignInAsync)
            .AllowAnonymousKey()
            .DisableAntiforgery() // SameSite=Strict cookie; the form carries the key itself
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ApiKeyValidator keys)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            return Page(ReturnUrls.Default, "Send the form (application/x-www-form-urlencoded) with the field key.", StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return Page(ReturnUrls.Default, "The form could not be read.", StatusCodes.Status400BadRequest);
        }

        var returnUrl = form["returnUrl"].Count == 1 && form["returnUrl"][0] is { Length: > 0 } given ? given : ReturnUrls.Default;
        if (!ReturnUrls.IsLocal(returnUrl))
        {
            return Page(ReturnUrls.Default, "The return address must be a path of this site (starting with a single /).", StatusCodes.Status400BadRequest);
        }

        var key = form["key"].Count == 1 ? form["key"][0]?.Trim() : null;
        if (await keys.ValidateAsync(key, context.RequestAborted) is null)
        {
            return Page(returnUrl, "That key is not valid (unknown or revoked).", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(SignInCookie.Name, key!, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Secure = request.IsHttps,
            IsEssential = true,
        });
        context.Response.Headers.Location = returnUrl;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static IResult Page(string returnUrl, string? error, int status)
    {
        var message = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in</title>
            <style>
            body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; display: flex; justify-content: center; padding-top: 12vh; margin: 0; }
            form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); width: 22rem; }
            h1 { font-size: 1.3rem; margin: 0 0 1rem; }
            label { display: block; margin-bottom: .4rem; }
            input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-family: monospace; }
            button { margin-top: 1rem; padding: .5rem 1.2rem; background: #2457c5; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
            .error { color: #b00020; }
            </style>
            </head>
            <body>
            <form method="post" action="{{SignInCookie.Path}}">
            <h1>Sign in to the results pages</h1>
            {{message}}
            <label for="key">API key (scope marketer)</label>
            <input type="password" id="key" name="key" autocomplete="off" required autofocus>
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}">
            <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
