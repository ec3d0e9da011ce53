using Npgsql;
using NpgsqlTypes;

namespace Ingestion.Features.Transactions;

/// <summary>Writing optional values in a binary COPY row.</summary>
internal static class CopyExtensions
{
    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, decimal? value, CancellationToken ct) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Numeric, ct) : copy.WriteNullAsync(ct);
}
