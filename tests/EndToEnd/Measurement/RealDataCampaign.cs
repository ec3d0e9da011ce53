using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Platform.Testing;

namespace EndToEnd.RealData;

/// <summary>
/// Runs a <see cref="RealDataSet"/> through the platform as a client would, through the gateway: the units as customers
/// (Ingestion's bulk import), the test as an external campaign (Campaigns: design, assignments with the covariate as
/// net_revenue_365, the treated cells' contacts at the start), and the outcomes (visit as a <c>clicked</c> response,
/// conversion or turnout as a <c>converted</c> response, spend as an order two days after the start) through
/// Ingestion's bulk imports. Measurement takes everything from the events those services publish.
/// </summary>
public sealed class RealDataCampaign(AllServices services, HttpClient client)
{
    /// <summary>Days in which outcomes count: Hillstrom's two weeks.</summary>
    public const int WindowDays = 14;

    /// <summary>Imports <paramref name="data"/> and returns the campaign's id once Campaigns stored its assignments and contacts.</summary>
    public async Task<Guid> ImportAsync(RealDataSet data, string code)
    {
        var rows = data.Rows;
        var customers = new StringBuilder("source,external_id,lifecycle\n");
        foreach (var row in rows)
        {
            customers.Append(CultureInfo.InvariantCulture, $"{data.Source},{row.Number},customer\n");
        }

        await CsvUploads.ImportAsync(client, "customers", customers.ToString(), "");
        await using var campaignsDb = await services.Databases["campaigns"].OpenAsync();
        var ids = rows.Select(r => Platform.Data.DeterministicGuid.ForCustomer(data.Source, r.Number.ToString(CultureInfo.InvariantCulture))).ToArray();
        await Eventually.TrueAsync(async () => await campaignsDb.ExecuteScalarAsync<long>("SELECT count(*) FROM customers WHERE customer_id = ANY(@ids)", new { ids }) == rows.Count,
            $"the {rows.Count:N0} customers of {data.Name} known to Campaigns", TimeSpan.FromMinutes(3));

        var share = 1.0 / (data.TreatedCells.Length + 1);
        var created = await client.PostAsJsonAsync("/campaigns/v1/campaigns", new
        {
            code,
            name = $"{data.Name} (real data)",
            objective = "retention",
            kind = "external",
            responseWindowDays = WindowDays,
            currency = "USD",
            controlShare = share,
            cells = data.TreatedCells.Select(c => new { code = c, share }).ToArray(),
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var start = data.StartedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var assignments = new StringBuilder("source,external_id,cell,net_revenue_365\n");
        var contacts = new StringBuilder("source,external_id,channel,at,cost\n");
        foreach (var row in rows)
        {
            assignments.Append(CultureInfo.InvariantCulture, $"{data.Source},{row.Number},{row.Cell},{row.Covariate}\n");
            if (row.Cell != "control")
            {
                contacts.Append(CultureInfo.InvariantCulture, $"{data.Source},{row.Number},{data.ContactChannel},{start},0\n");
            }
        }

        await CsvUploads.PostAsync(client, $"/campaigns/v1/campaigns/{campaignId}/assignments?startedAt={Uri.EscapeDataString(start)}", assignments.ToString());
        await CsvUploads.PostAsync(client, $"/campaigns/v1/campaigns/{campaignId}/contacts", contacts.ToString());

        var responses = new StringBuilder("source,campaign_code,customer_source,customer_external_id,channel,type,occurred_at\n");
        var orders = new StringBuilder("source,order_id,customer_source,customer_external_id,occurred_at,gross_amount\n");
        var visitAt = data.StartedAt.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var boughtAt = data.StartedAt.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        foreach (var row in rows)
        {
            if (row.Visited)
            {
                responses.Append(CultureInfo.InvariantCulture, $"{data.Source}-{data.ResponseChannel},{code},{data.Source},{row.Number},{data.ResponseChannel},clicked,{visitAt}\n");
            }

            if (row.Converted)
            {
                responses.Append(CultureInfo.InvariantCulture, $"{data.Source}-{data.ResponseChannel},{code},{data.Source},{row.Number},{data.ResponseChannel},converted,{boughtAt}\n");
            }

            if (row.Spend > 0)
            {
                orders.Append(CultureInfo.InvariantCulture, $"{data.Source}-shop,{code}-{row.Number},{data.Source},{row.Number},{boughtAt},{row.Spend}\n");
            }
        }

        await CsvUploads.ImportAsync(client, "responses", responses.ToString(), "");
        if (rows.Any(r => r.Spend > 0))
        {
            await CsvUploads.ImportAsync(client, "transactions", orders.ToString(), "&currency=USD");
        }

        return campaignId;
    }
}
