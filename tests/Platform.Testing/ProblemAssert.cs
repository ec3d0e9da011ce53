using System.Net;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>Assertions on the platform's error answers.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts a problem+json answer with <paramref name="status"/> whose errors name each of <paramref name="fields"/>; returns the problem.</summary>
    public static async Task<JsonElement> HasProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Xunit.Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        foreach (var field in fields)
        {
            Xunit.Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"problem should name '{field}': {text}");
        }

        return problem;
    }
}
