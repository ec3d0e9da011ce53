using Dapper;
using MassTransit;
using Platform.Contracts.Ingestion;
using Platform.Data;

namespace Campaigns.Features.Customers;

/// <summary>
/// Keeps the contact details and consents the channels need (<c>customers</c>). Idempotent (inbox) and
/// order-independent: the highest version wins; a version up to the customer's erasure is ignored.
/// </summary>
public sealed class ContactDetailsChangedConsumer(Inbox inbox) : IConsumer<ContactDetailsChanged>
{
    private const string UpsertSql = """
        INSERT INTO customers AS c (customer_id, version, first_name, last_name, email, phone, address_line, postal_code, city, region,
            country, consent_email, consent_sms, consent_mail, consent_phone)
        SELECT u.*
        FROM unnest(@CustomerIds, @Versions, @FirstNames, @LastNames, @Emails, @Phones, @AddressLines, @PostalCodes, @Cities, @Regions,
                    @Countries, @ConsentEmails, @ConsentSms, @ConsentMails, @ConsentPhones)
             AS u(customer_id, version, first_name, last_name, email, phone, address_line, postal_code, city, region,
                  country, consent_email, consent_sms, consent_mail, consent_phone)
        WHERE NOT EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = u.customer_id AND u.version <= e.erased_version)
        ORDER BY u.customer_id
        ON CONFLICT (customer_id) DO UPDATE SET
            version = excluded.version, first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
            phone = excluded.phone, address_line = excluded.address_line, postal_code = excluded.postal_code, city = excluded.city,
            region = excluded.region, country = excluded.country, consent_email = excluded.consent_email, consent_sms = excluded.consent_sms,
            consent_mail = excluded.consent_mail, consent_phone = excluded.consent_phone
        WHERE excluded.version > c.version
        """;

    public Task Consume(ConsumeContext<ContactDetailsChanged> context) =>
        inbox.ProcessOnceAsync(context, nameof(ContactDetailsChangedConsumer), async (tx, ct) =>
        {
            // Several versions of one customer in a batch: keep the highest (ON CONFLICT cannot touch a row twice).
            var customers = context.Message.Customers.GroupBy(c => c.CustomerId).Select(g => g.MaxBy(c => c.Version)!).ToList();
            if (customers.Count == 0)
            {
                return;
            }

            await ErasureLock.LockSharedAsync(tx, ct);
            await tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertSql, new
            {
                CustomerIds = customers.Select(c => c.CustomerId).ToArray(),
                Versions = customers.Select(c => c.Version).ToArray(),
                FirstNames = customers.Select(c => c.FirstName).ToArray(),
                LastNames = customers.Select(c => c.LastName).ToArray(),
                Emails = customers.Select(c => c.Email).ToArray(),
                Phones = customers.Select(c => c.Phone).ToArray(),
                AddressLines = customers.Select(c => c.AddressLine).ToArray(),
                PostalCodes = customers.Select(c => c.PostalCode).ToArray(),
                Cities = customers.Select(c => c.City).ToArray(),
                Regions = customers.Select(c => c.Region).ToArray(),
                Countries = customers.Select(c => c.Country).ToArray(),
                ConsentEmails = customers.Select(c => c.Consents.Email).ToArray(),
                ConsentSms = customers.Select(c => c.Consents.Sms).ToArray(),
                ConsentMails = customers.Select(c => c.Consents.Mail).ToArray(),
                ConsentPhones = customers.Select(c => c.Consents.Phone).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
