namespace Gateway.Features.Proxy;

/// <summary>
/// The addresses of one service's instances as configured: <c>Services:{Name}</c> holds one base address or several
/// separated by commas (e.g. <c>Services__Ingestion=http://127.0.0.1:8081,http://127.0.0.1:9081</c>, what
/// <c>deploy/platform up --replicas 2</c> writes). The first is the service's default address.
/// </summary>
public static class ServiceAddresses
{
    /// <summary>Every configured address of service <paramref name="name"/> (at least <paramref name="defaultAddress"/>), first the default one, without duplicates.</summary>
    public static IReadOnlyList<string> Of(IConfiguration configuration, string name, string defaultAddress)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"Services:{name}"];
        var addresses = (configured ?? "")
            .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a.TrimEnd('/'))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"Services__{name}: '{address}' is not an http(s) base address (e.g. {defaultAddress}; several are separated by commas)");
            }
        }

        return addresses.Count > 0 ? addresses : [defaultAddress];
    }

    /// <summary>The name of the <paramref name="index"/>-th destination of a cluster: the first is <c>primary</c> (as with one address), then <c>replica2</c>, <c>replica3</c>...</summary>
    public static string DestinationName(int index) => index == 0 ? "primary" : $"replica{index + 1}";
}
