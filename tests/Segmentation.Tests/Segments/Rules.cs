using System.Text.Json;
using Platform.ServiceDefaults;
using Segmentation.Features.Segments;

namespace Segmentation.Tests.Segments;

/// <summary>Compiles rules written as JSON text and checks the outcome.</summary>
internal static class Rules
{
    public static readonly DateTimeOffset AsOf = new(2025, 3, 15, 10, 30, 0, TimeSpan.Zero);

    public static (CompiledRule? Rule, IDictionary<string, string[]> Errors) Compile(string json, DateTimeOffset? asOf = null, string prefix = "")
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = RuleCompiler.RecommendedJsonMaxDepth });
        var errors = new ValidationErrors();
        var rule = RuleCompiler.Compile(document.RootElement, asOf ?? AsOf, errors.WithPrefix(prefix));
        return (rule, errors.ToDictionary());
    }

    public static CompiledRule Valid(string json, DateTimeOffset? asOf = null)
    {
        var (rule, errors) = Compile(json, asOf);
        Assert.Empty(errors);
        Assert.NotNull(rule);
        return rule;
    }

    public static IDictionary<string, string[]> Invalid(string json, string prefix = "")
    {
        var (rule, errors) = Compile(json, prefix: prefix);
        Assert.Null(rule);
        Assert.NotEmpty(errors);
        return errors;
    }

    /// <summary>The one message at <paramref name="path"/>.</summary>
    public static string ErrorAt(IDictionary<string, string[]> errors, string path)
    {
        Assert.True(errors.ContainsKey(path), $"no error at \"{path}\"; errors at: {string.Join(", ", errors.Keys.Select(k => $"\"{k}\""))}");
        return Assert.Single(errors[path]);
    }

    /// <summary>A condition; <paramref name="value"/> is JSON text, or null for no value key.</summary>
    public static string Condition(string field, string op, string? value) =>
        value is null
            ? $$"""{"field": {{JsonSerializer.Serialize(field)}}, "op": {{JsonSerializer.Serialize(op)}}}"""
            : $$"""{"field": {{JsonSerializer.Serialize(field)}}, "op": {{JsonSerializer.Serialize(op)}}, "value": {{value}}}""";

    public static string Text(string value) => JsonSerializer.Serialize(value);
}
