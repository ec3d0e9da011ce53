using System.Globalization;

namespace Demo.Generation;

/// <summary>Writes the base as the CSV files Ingestion's bulk import takes (customers and prospects; the history's orders).</summary>
public static class CustomerBaseCsv
{
    /// <summary>
    /// Customers and prospects: <paramref name="source"/> and external id, lifecycle, contact details and consents, acquisition
    /// channel, and <paramref name="runTag"/> as the acquisition campaign (what the demo's segments are scoped by).
    /// </summary>
    public static void WriteCustomers(TextWriter writer, CustomerBase customerBase, string source, string runTag, DateTimeOffset historyEnd)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(customerBase);
        writer.WriteLine("source,external_id,lifecycle,first_name,last_name,phone,address_line,postal_code,city,country,join_date,acquisition_channel,acquisition_campaign,consent_mail,consent_phone,consent_at");
        foreach (var c in customerBase.Everyone)
        {
            var joined = historyEnd.AddDays(c.IsProspect ? -1 : c.JoinedDay);
            writer.Write(string.Join(',',
                source, c.ExternalId, c.IsProspect ? "prospect" : "customer", c.IsProspect ? "Prospect" : "Customer", c.ExternalId, c.Phone ?? "",
                $"{1 + (c.Index % 200)} High Street", $"AB{c.Index % 90 + 10} {c.Index % 9 + 1}CD", "Exampleton", "GB",
                c.IsProspect ? "" : joined.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.IsProspect ? "partner_list" : "web", runTag,
                c.MailConsent ? "true" : "false", c.Phone is null ? "" : c.PhoneConsent ? "true" : "false", Timestamp(joined)));
            writer.Write('\n');
        }
    }

    /// <summary>The history's orders (net of nothing: gross, discount and promotion code as bought), currency given with the import.</summary>
    public static void WriteOrders(TextWriter writer, CustomerBase customerBase, string orderSource, string customerSource, DateTimeOffset historyEnd)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(customerBase);
        writer.WriteLine("source,order_id,customer_external_id,customer_source,occurred_at,gross_amount,discount_amount,promotion_code,channel");
        foreach (var c in customerBase.Customers)
        {
            for (var i = 0; i < c.Orders.Count; i++)
            {
                var o = c.Orders[i];
                writer.Write(string.Join(',', orderSource, $"{c.ExternalId}-{i}", c.ExternalId, customerSource, Timestamp(historyEnd.AddDays(o.Day)),
                    o.Gross.ToString("0.00", CultureInfo.InvariantCulture), o.Discount.ToString("0.00", CultureInfo.InvariantCulture), o.PromotionCode ?? "", "web"));
                writer.Write('\n');
            }
        }
    }

    /// <summary>A timestamp as the platform's inputs take it (UTC, milliseconds).</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
