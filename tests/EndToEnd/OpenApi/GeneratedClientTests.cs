using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace EndToEnd.OpenApi;

/// <summary>
/// What a partner system would do with the gateway's document: generate a C# client from it (NSwag), compile it
/// (Roslyn) and call the platform with it. A document that generators misread (missing or clashing operation ids,
/// schemas they cannot map) fails here, not at the partner's.
/// </summary>
public sealed class GeneratedClientTests(AllServices services) : IClassFixture<AllServices>
{
    /// <summary>Code written against the generated client, compiled with it: the calls a client of the platform makes.</summary>
    private const string Calls = """
        namespace Generated;

        public static class Calls
        {
            public static async System.Threading.Tasks.Task<string> RunAsync(System.Net.Http.HttpClient http, string externalId)
            {
                var client = new PlatformClient(http);
                var created = await client.UpsertCustomerAsync(new CustomerRequest { Source = "generated-client", ExternalId = externalId, Email = externalId + "@example.org" });
                var read = await client.GetCustomerAsync(created.CustomerId);
                var campaigns = await client.ListCampaignsAsync(null);
                var settings = await client.GetScoringSettingsAsync();
                return $"{read.ExternalId} {read.Email} campaigns:{campaigns.Items.Count} settings:{settings is not null}";
            }
        }
        """;

    [Fact]
    public async Task ClientGeneratedFromTheDocument_Compiles_AndCallsThePlatform()
    {
        using var anonymous = new HttpClient { BaseAddress = services.Gateway };
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await anonymous.GetStringAsync("/openapi/v1.json"));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "PlatformClient",
            UseBaseUrl = false, // the HttpClient's BaseAddress: the gateway
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = "Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var assembly = Compile(code, Calls);
        using var client = services.CreateClient();
        var run = (Task<string>)assembly.GetType("Generated.Calls")!.GetMethod("RunAsync")!.Invoke(null, [client, $"gen-{Guid.NewGuid():N}"])!;
        var result = await run;

        Assert.Matches("^gen-[0-9a-f]{32} gen-[0-9a-f]{32}@example.org campaigns:[0-9]+ settings:True$", result);
    }

    /// <summary>Compiles the sources against the assemblies this test runs with; fails naming every compiler error.</summary>
    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "GeneratedPlatformClient",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "the generated client does not compile:\n" + string.Join("\n", errors.Take(30)));
        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
