using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Validation;

/// <summary>
/// Query-string parameters are bound outside JSON, so <see cref="Json.StrictJson"/> does not see them: this middleware
/// refuses a request whose query holds a NUL (<c>%00</c>) in a name or value with a 400 naming the parameter, before
/// any endpoint could pass it on to PostgreSQL. (Percent-encoded bytes that are not UTF-8 decode to U+FFFD, never to
/// an unpaired surrogate.)
/// </summary>
public static class SafeQueryString
{
    /// <summary>Adds the check to the pipeline.</summary>
    public static IApplicationBuilder UseSafeQueryString(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            if (!context.Request.QueryString.HasValue)
            {
                await next(context);
                return;
            }

            var errors = new ValidationErrors();
            foreach (var (name, values) in context.Request.Query)
            {
                if (!Text.IsStorable(name))
                {
                    errors.Add("query", "a parameter name " + Text.NotStorable);
                    continue;
                }

                foreach (var value in values)
                {
                    if (!Text.CheckStorable(errors, name, value))
                    {
                        break;
                    }
                }
            }

            if (!errors.HasErrors)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new HttpValidationProblemDetails(errors.ToDictionary()) { Status = StatusCodes.Status400BadRequest, Title = "The request has invalid fields." },
            });
        });
    }
}
