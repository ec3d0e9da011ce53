using System.Security.Cryptography;
using System.Text;
using Gateway.Features.Keys;

namespace Gateway.Tests;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void Create_MakesPkAnd32RandomBytesAsBase64Url()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeyFormat.Create()).ToList();

        Assert.All(keys, k => Assert.Matches("^pk_[A-Za-z0-9_-]{43}$", k));
        Assert.All(keys, k => Assert.True(ApiKeyFormat.IsWellFormed(k)));
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Hash_IsSha256OfTheUtf8Key_AndThePrefixShowsElevenCharacters()
    {
        var key = ApiKeyFormat.Create();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), ApiKeyFormat.Hash(key));
        Assert.Equal(key[..11], ApiKeyFormat.DisplayPrefix(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pk_")]
    [InlineData("pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("pk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public void IsWellFormed_RefusesOtherShapes(string key) => Assert.False(ApiKeyFormat.IsWellFormed(key));
}
