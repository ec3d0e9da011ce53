using Gateway.Features.Access;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Paging;
using Platform.ServiceDefaults.Validation;

namespace Gateway.Features.Keys;

/// <summary>
/// <c>/admin/keys</c> (scope admin): create a key (shown once, in the answer), list keys (never the key or its hash),
/// revoke a key.
/// </summary>
public static class KeysApi
{
    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Highest sustained rate a key may be given.</summary>
    public const int MaxRequestsPerSecond = 100_000;

    /// <summary>Highest burst a key may be given.</summary>
    public const int MaxBurst = 1_000_000;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapKeyAdministration(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/admin/keys")
            .WithApiTag("Keys", "API keys with their scopes and rates (admin scope): created, listed, revoked; a key is shown once, when it is created.")
            .RequireScope(Scopes.Admin);
        keys.MapPost("/", CreateAsync)
            .WithName("createApiKey")
            .WithSummary("Creates an API key with scopes and a rate; the key is in this answer only.");
        keys.MapGet("/", ListAsync)
            .WithName("listApiKeys")
            .WithSummary("API keys, newest first, revoked ones included (never the keys themselves).");
        keys.MapGet("/{keyId:guid}", GetAsync)
            .WithName("getApiKey")
            .WithSummary("One API key (never the key itself).");
        keys.MapDelete("/{keyId:guid}", RevokeAsync)
            .WithName("revokeApiKey")
            .WithSummary("Revokes an API key: refused from then on (at once on this gateway replica, within seconds on others).");
        return app;
    }

    private static async Task<IResult> CreateAsync(CreateApiKeyRequest? request, ApiKeyStore store, IOptions<ApiKeyOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "must be a JSON object with name and scopes");
            return errors.ToProblem();
        }

        var name = Text.Required(errors, "name", request.Name, MaxNameLength);
        var scopes = ValidScopes(request.Scopes, errors);
        var defaults = options.Value;
        var rate = request.RequestsPerSecond ?? defaults.DefaultRequestsPerSecond;
        if (rate is < 1 or > MaxRequestsPerSecond)
        {
            errors.Add("requestsPerSecond", $"must be from 1 to {MaxRequestsPerSecond}");
        }

        var burst = request.Burst ?? (request.RequestsPerSecond is { } given ? 2 * given : defaults.DefaultBurst);
        if (burst is < 1 or > MaxBurst)
        {
            errors.Add("burst", $"must be from 1 to {MaxBurst}");
        }
        else if (request.Burst is not null && burst < rate)
        {
            errors.Add("burst", "must be at least requestsPerSecond (a bucket smaller than a second's refill would cap the rate at the burst)");
        }

        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var key = ApiKeyFormat.Create();
        var created = new CreatedApiKey(Guid.CreateVersion7(), name!, ApiKeyFormat.DisplayPrefix(key), scopes, rate, burst, time.GetUtcNow(), key);
        await store.InsertAsync(created, ct);
        return TypedResults.Created($"/admin/keys/{created.Id}", created);
    }

    private static string[] ValidScopes(IReadOnlyList<string?>? scopes, ValidationErrors errors)
    {
        if (scopes is null || scopes.Count == 0)
        {
            errors.Add("scopes", $"must list one or more of {string.Join(", ", Scopes.All)}");
            return [];
        }

        var valid = new List<string>();
        for (var i = 0; i < scopes.Count; i++)
        {
            if (scopes[i] is not { } scope || !Scopes.All.Contains(scope, StringComparer.Ordinal))
            {
                errors.Add($"scopes[{i}]", $"must be one of {string.Join(", ", Scopes.All)}");
            }
            else if (valid.Contains(scope, StringComparer.Ordinal))
            {
                errors.Add($"scopes[{i}]", $"'{scope}' is listed twice");
            }
            else
            {
                valid.Add(scope);
            }
        }

        // Stored in the order Scopes.All lists them, whatever order they came in.
        return [.. Scopes.All.Where(valid.Contains)];
    }

    private static async Task<IResult> ListAsync(HttpRequest request, ApiKeyStore store, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var page = PageRequest.Read(request, errors, 2);
        var (afterTime, afterId) = PageKeys.TimeAndId(page, errors);
        if (errors.HasErrors || page is null)
        {
            return errors.ToProblem();
        }

        var rows = await store.ListAsync(afterTime, afterId, page.FetchLimit, ct);
        return TypedResults.Ok(page.ToPage(request, rows, k => [PageKeys.Time(k.CreatedAt), k.Id.ToString("D")]));
    }

    private static async Task<IResult> GetAsync(Guid keyId, ApiKeyStore store, CancellationToken ct) =>
        await store.GetAsync(keyId, ct) is { } key
            ? TypedResults.Ok(key)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No API key {keyId}.");

    private static async Task<IResult> RevokeAsync(Guid keyId, ApiKeyStore store, ApiKeyValidator validator, TimeProvider time, CancellationToken ct)
    {
        if (!await store.RevokeAsync(keyId, time.GetUtcNow(), ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No API key {keyId}.");
        }

        validator.Forget(keyId);
        return TypedResults.NoContent();
    }
}
