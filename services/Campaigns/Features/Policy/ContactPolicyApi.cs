using Npgsql;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.OpenApi;

namespace Campaigns.Features.Policy;

/// <summary><c>GET/PUT /v1/contact-policy</c>: the contact policy applied at dispatch, and the global control share.</summary>
public static class ContactPolicyApi
{
    public static IEndpointRouteBuilder MapContactPolicyApi(this IEndpointRouteBuilder app)
    {
        var policy = app.MapGroup("/v1/contact-policy").WithApiTag("Contact policy", "Limits on how often a customer may be contacted, across campaigns and channels.");
        policy.MapGet("/", GetAsync)
            .WithName("getContactPolicy").WithSummary("The contact policy: how many contacts a customer may get per period and channel");
        policy.MapPut("/", PutAsync)
            .WithName("updateContactPolicy").WithSummary("Replaces the contact policy; dispatches from now on follow it");
        return app;
    }

    private static async Task<IResult> GetAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var policy = await ContactPolicyStore.LoadAsync(connection, null, ct);
        var global = await GlobalControl.LoadAsync(connection, null, ct);
        return TypedResults.Ok(ContactPolicyRequest.From(policy, global.Share));
    }

    private static async Task<IResult> PutAsync(ContactPolicyRequest? request, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "is required: a contact policy object");
            return errors.ToProblem();
        }

        if (request.Validate(errors) is not { } valid)
        {
            return errors.ToProblem();
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ContactPolicyStore.SaveAsync(tx, valid.Policy, valid.GlobalControlShare, time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(ContactPolicyRequest.From(valid.Policy, valid.GlobalControlShare));
    }
}
