using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Segmentation.Features.Profiles;

/// <summary>
/// Creates or refreshes customers' profiles. Idempotent (inbox) and order-independent: the highest version (assigned by
/// Ingestion's database) wins, for every field including consents. A version up to the customer's erasure is ignored
/// (see <see cref="CustomerErasedConsumer"/>).
/// </summary>
public sealed class CustomersUpsertedConsumer(Inbox inbox, TimeProvider time) : IConsumer<CustomersUpserted>
{
    private const string UpsertSql = """
        INSERT INTO customer_profiles AS p (customer_id, person_id, source, external_id, lifecycle, gender, birth_year, join_date,
            country, region, acquisition_channel, acquisition_campaign, consent_email, consent_sms, consent_mail, consent_phone,
            customer_updated_at, customer_version, created_at)
        SELECT u.*
        FROM unnest(@CustomerIds, @PersonIds, @Sources, @ExternalIds, @Lifecycles, @Genders, @BirthYears, @JoinDates::date[],
                    @Countries, @Regions, @AcquisitionChannels, @AcquisitionCampaigns, @ConsentEmails, @ConsentSms, @ConsentMails,
                    @ConsentPhones, @UpdatedAts, @Versions, @CreatedAts)
             AS u(customer_id, person_id, source, external_id, lifecycle, gender, birth_year, join_date, country, region,
                  acquisition_channel, acquisition_campaign, consent_email, consent_sms, consent_mail, consent_phone,
                  customer_updated_at, customer_version, created_at)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers AS e
                          WHERE e.customer_id = u.customer_id
                            AND (u.customer_version, u.customer_updated_at) <= (e.erased_version, e.erased_at))
        ORDER BY u.customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            person_id = excluded.person_id, lifecycle = excluded.lifecycle, gender = excluded.gender, birth_year = excluded.birth_year,
            join_date = excluded.join_date, country = excluded.country, region = excluded.region,
            acquisition_channel = excluded.acquisition_channel, acquisition_campaign = excluded.acquisition_campaign,
            consent_email = excluded.consent_email, consent_sms = excluded.consent_sms, consent_mail = excluded.consent_mail,
            consent_phone = excluded.consent_phone, customer_updated_at = excluded.customer_updated_at,
            customer_version = excluded.customer_version
        WHERE (excluded.customer_version, excluded.customer_updated_at) > (p.customer_version, p.customer_updated_at)
        """;

    public Task Consume(ConsumeContext<CustomersUpserted> context) =>
        inbox.ProcessOnceAsync(context, nameof(CustomersUpsertedConsumer), async (tx, ct) =>
        {
            // Several versions of one customer in a batch: keep the highest (ON CONFLICT cannot touch a row twice).
            var customers = context.Message.Customers.GroupBy(c => c.CustomerId).Select(g => g.MaxBy(c => (c.Version, c.UpdatedAt))!).ToList();
            if (customers.Count == 0)
            {
                return; // a batch emptied by an erasure in Ingestion's outbox
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            var now = time.GetUtcNow();
            await tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                CustomerIds = customers.Select(c => c.CustomerId).ToArray(),
                PersonIds = customers.Select(c => c.PersonId).ToArray(),
                Sources = customers.Select(c => c.Source).ToArray(),
                ExternalIds = customers.Select(c => c.ExternalId).ToArray(),
                Lifecycles = customers.Select(c => c.Lifecycle).ToArray(),
                Genders = customers.Select(c => c.Gender).ToArray(),
                BirthYears = customers.Select(c => c.BirthYear).ToArray(),
                JoinDates = customers.Select(c => c.JoinDate).ToArray(),
                Countries = customers.Select(c => c.Country).ToArray(),
                Regions = customers.Select(c => c.Region).ToArray(),
                AcquisitionChannels = customers.Select(c => c.AcquisitionChannel).ToArray(),
                AcquisitionCampaigns = customers.Select(c => c.AcquisitionCampaign).ToArray(),
                ConsentEmails = customers.Select(c => c.Consents.Email).ToArray(),
                ConsentSms = customers.Select(c => c.Consents.Sms).ToArray(),
                ConsentMails = customers.Select(c => c.Consents.Mail).ToArray(),
                ConsentPhones = customers.Select(c => c.Consents.Phone).ToArray(),
                UpdatedAts = customers.Select(c => c.UpdatedAt.ToUniversalTime()).ToArray(),
                Versions = customers.Select(c => c.Version).ToArray(),
                CreatedAts = customers.Select(_ => now).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
