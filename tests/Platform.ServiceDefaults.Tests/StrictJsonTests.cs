using System.Text;
using System.Text.Json;
using Platform.ServiceDefaults.Json;
using Platform.ServiceDefaults.Validation;

namespace Platform.ServiceDefaults.Tests;

/// <summary>The shared request JSON options (what every service's minimal APIs bind with), without a server.</summary>
public sealed class StrictJsonTests
{
    private static readonly JsonSerializerOptions Options = StrictJson.Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    [Fact]
    public void ValidBody_Binds()
    {
        var body = Read("""{"name":"Zoë 😀","tags":["a"],"attributes":{"k":"v"},"rule":{"a":[1,"x"]}}""");

        Assert.Equal("Zoë 😀", body.Name);
        Assert.Equal("v", body.Attributes!["k"].GetString());
        Assert.Equal("x", body.Rule!.Value.GetProperty("a")[1].GetString());
    }

    [Theory]
    [InlineData("""{"name":"a\u0000b"}""", "$.name", Text.NotStorable)]
    [InlineData("""{"tags":["ok","a\u0000"]}""", "$.tags[1]", Text.NotStorable)]
    [InlineData("""{"name":"a\ud800b"}""", "$.name", StrictJson.InvalidUnicode)]
    [InlineData("""{"name":"a\udc00"}""", "$.name", StrictJson.InvalidUnicode)]
    [InlineData("""{"attributes":{"k":"a\u0000"}}""", "$.attributes.k", Text.NotStorable)]
    public void UnsafeText_IsRefused_AtItsPath(string json, string path, string message)
    {
        var e = Assert.Throws<JsonException>(() => Read(json));

        Assert.Equal(path, e.Path);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsafeDictionaryKey_IsRefused()
    {
        var e = Assert.Throws<JsonException>(() => Read("""{"attributes":{"k\u0000":"v"}}"""));

        Assert.StartsWith(Text.NotStorable, e.Message, StringComparison.Ordinal);
        Assert.Equal("attributes", BadRequestExceptionHandler.FieldOf(e.Path, e.Data[StrictJson.InnerPathKey] as string));
    }

    [Theory]
    [InlineData("""{"rule":{"and":[{"value":"S\u0000E"}]}}""", "rule.and[0].value")]
    [InlineData("""{"rule":["x","\ud800"]}""", "rule[1]")]
    [InlineData("""{"rule":{"k\u0000":1}}""", "rule")]
    [InlineData("""{"attributes":{"k":{"deep":["x","a\u0000"]}}}""", "attributes.k.deep[1]")]
    public void UnsafeTextInsideFreeFormJson_IsRefused_NamingItsPath(string json, string field)
    {
        var e = Assert.Throws<JsonException>(() => Read(json));

        Assert.Equal(field, BadRequestExceptionHandler.FieldOf(e.Path, e.Data[StrictJson.InnerPathKey] as string));
    }

    [Fact]
    public void InvalidUtf8_IsRefused()
    {
        byte[] json = [.. "{\"name\":\"a"u8, 0xFF, 0xFE, .. "\"}"u8];

        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Body>(json, Options));

        Assert.Equal("$.name", e.Path);
    }

    [Theory]
    [InlineData("""{"name":"a","name":"b"}""")]
    [InlineData("""{"attributes":{"k":1,"k":2}}""")]
    [InlineData("""{"rule":{"a":{"k":1,"k":2}}}""")]
    public void DuplicateKeys_AreRefused_InObjectsDictionariesAndFreeFormJson(string json) =>
        Assert.Throws<JsonException>(() => Read(json));

    [Fact]
    public void UnknownProperty_IsRefused_NamingIt()
    {
        var e = Assert.Throws<JsonException>(() => Read("""{"name":"a","colour":"blue"}"""));

        Assert.Equal("colour", BadRequestExceptionHandler.FieldOf(e.Path));
    }

    [Theory]
    [InlineData("$", null, "body")]
    [InlineData("$.address.city", null, "address.city")]
    [InlineData("$.rule", "and[0].value", "rule.and[0].value")]
    [InlineData("$.rule", "[2]", "rule[2]")]
    [InlineData("$", "a", "a")]
    [InlineData("$[3].email", null, "[3].email")]
    public void FieldOf_NamesTheField(string path, string? inner, string field) =>
        Assert.Equal(field, BadRequestExceptionHandler.FieldOf(path, inner));

    private static Body Read(string json) => JsonSerializer.Deserialize<Body>(Encoding.UTF8.GetBytes(json), Options)!;

    private sealed record Body(string? Name, List<string>? Tags, Dictionary<string, JsonElement>? Attributes, JsonElement? Rule);
}
