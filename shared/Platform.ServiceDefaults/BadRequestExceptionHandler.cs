using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Platform.ServiceDefaults.Json;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults;

/// <summary>
/// Turns request-binding failures into <c>application/problem+json</c>: malformed JSON or a value of the wrong type
/// becomes a 400 whose <c>errors</c> name the field (its JSON path, e.g. <c>address.city</c>); an oversize body keeps
/// its 413. Other exceptions are left to the default handler (500 problem details, no internals).
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        ProblemDetails problem = bad.InnerException is JsonException json
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [FieldOf(json.Path, json.Data[StrictJson.InnerPathKey] as string)] = [MessageOf(json)],
            })
            {
                Title = "The request body is not valid JSON for this endpoint.",
                Status = bad.StatusCode,
            }
            : new ProblemDetails
            {
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "Bad request.",
                Detail = bad.Message,
                Status = bad.StatusCode,
            };
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// "$.address.city" → "address.city"; "$" (the whole body) → "body"; with <paramref name="innerPath"/> (a bad
    /// string inside a free-form element, see <see cref="StrictJson.InnerPathKey"/>) "$.rule" + "and[0].value" →
    /// "rule.and[0].value".
    /// </summary>
    internal static string FieldOf(string? jsonPath, string? innerPath = null)
    {
        var outer = string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? ""
            : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        var field = string.IsNullOrEmpty(innerPath) ? outer
            : outer.Length == 0 || innerPath.StartsWith('[') ? outer + innerPath
            : outer + "." + innerPath;
        // A bad dictionary key is part of System.Text.Json's path ("$.attributes.k\u0000"): name its dictionary instead of echoing it.
        if (!Text.IsStorable(field))
        {
            field = field[..Math.Max(0, field.AsSpan(0, FirstUnsafe(field)).LastIndexOfAny('.', '['))];
        }

        return field.Length == 0 ? "body" : field;
    }

    private static int FirstUnsafe(string field)
    {
        for (var i = 0; i < field.Length; i++)
        {
            if (char.IsHighSurrogate(field[i]) && i + 1 < field.Length && char.IsLowSurrogate(field[i + 1]))
            {
                i++;
            }
            else if (field[i] == '\0' || char.IsSurrogate(field[i]))
            {
                return i;
            }
        }

        return 0;
    }

    // System.Text.Json messages mention .NET type names and positions; keep the first sentence, which names the problem.
    private static string MessageOf(JsonException json)
    {
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
