using System.Text.Json;
using Campaigns.Features.Dispatch;
using Campaigns.Features.Policy;
using Dapper;
using Npgsql;
using Platform.Data.Jobs;

namespace Campaigns.Features.Channels;

/// <summary>
/// Turns a chunk's contacts on webhook channels into <c>deliveries</c> rows and delivery jobs, in the chunk's
/// transaction: the batch exists if and only if its contacts are recorded.
/// </summary>
public sealed class DeliveryBatches(JobStore jobs)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string ModesSql = "SELECT channel, mode FROM channel_configs";

    private const string InsertSql = """
        INSERT INTO deliveries (id, campaign_id, channel, wave, step, payload, status, created_at)
        VALUES (@Id, @CampaignId, @Channel, @Wave, @Step, @Payload::jsonb, 'pending', @Now)
        """;

    /// <summary>The configured mode (<c>webhook</c> or <c>file</c>) of each channel; a channel not configured is <c>file</c>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ModesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct) =>
        (await connection.QueryAsync<(string Channel, string Mode)>(new CommandDefinition(ModesSql, transaction: tx, cancellationToken: ct)))
            .ToDictionary(r => r.Channel, r => r.Mode, StringComparer.Ordinal);

    /// <summary>One delivery (and job) per channel for <paramref name="contacts"/>.</summary>
    public async Task AddAsync(
        NpgsqlTransaction tx, CampaignRow campaign, StepJob step, string? offerCode, ContactPolicy policy,
        IReadOnlyList<(MemberCandidate Member, string Channel)> contacts, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var group in contacts.GroupBy(c => c.Channel))
        {
            foreach (var batch in group.Chunk(1_000))
            {
                var id = Guid.CreateVersion7(now);
                var body = new WebhookBatch
                {
                    DeliveryId = id,
                    CampaignId = campaign.Id,
                    CampaignCode = campaign.Code,
                    Channel = group.Key,
                    Wave = step.Wave,
                    Step = step.Step,
                    Contacts = batch.Select(c => ToContact(campaign.Id, step, offerCode, policy, c.Member, c.Channel)).ToList(),
                };
                await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, new
                {
                    Id = id, CampaignId = campaign.Id, Channel = group.Key, step.Wave, step.Step,
                    Payload = JsonSerializer.Serialize(body, Json), Now = now,
                }, tx, cancellationToken: ct));
                await jobs.EnqueueAsync(tx, ChannelJobs.Delivery, new DeliveryJob(id), now, id.ToString(), ct);
            }
        }
    }

    // Each channel gets only the details it needs.
    private static WebhookContact ToContact(Guid campaignId, StepJob step, string? offerCode, ContactPolicy policy, MemberCandidate m, string channel)
    {
        var call = channel == ChannelNames.OutboundCall;
        return new WebhookContact
        {
            ContactId = ContactIds.For(campaignId, m.CustomerId, step.Step),
            CustomerId = m.CustomerId,
            Cell = step.Cell,
            OfferCode = offerCode,
            FirstName = m.FirstName,
            LastName = m.LastName,
            Email = channel == ChannelNames.Email ? m.Email : null,
            Phone = channel is ChannelNames.OutboundCall or ChannelNames.Sms ? m.Phone : null,
            AddressLine = channel == ChannelNames.DirectMail ? m.AddressLine : null,
            PostalCode = channel == ChannelNames.DirectMail ? m.PostalCode : null,
            City = channel == ChannelNames.DirectMail ? m.City : null,
            Region = channel == ChannelNames.DirectMail ? m.Region : null,
            Country = channel == ChannelNames.DirectMail ? m.Country : null,
            TimeZone = call ? policy.ZoneOf(m.Country, m.Region).Id : null,
            CallWindow = call ? policy.CallWindow(channel) : null,
        };
    }
}
