using Npgsql;
using NpgsqlTypes;

namespace Platform.Data.Staging;

/// <summary>Writing optional values in a binary COPY row (null becomes SQL NULL).</summary>
public static class CopyExtensions
{
    /// <summary>Writes <paramref name="value"/> as <c>text</c>, or NULL.</summary>
    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    /// <summary>Writes <paramref name="value"/> as <c>numeric</c>, or NULL.</summary>
    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, decimal? value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Numeric, ct) : copy.WriteNullAsync(ct);
    }

    /// <summary>Writes <paramref name="value"/> as <c>uuid</c>, or NULL.</summary>
    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, Guid? value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Uuid, ct) : copy.WriteNullAsync(ct);
    }

    /// <summary>Writes <paramref name="value"/> as <c>timestamptz</c> (in UTC, as Npgsql requires), or NULL.</summary>
    public static Task WriteOptionalAsync(this NpgsqlBinaryImporter copy, DateTimeOffset? value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return value is { } v ? copy.WriteAsync(v.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct) : copy.WriteNullAsync(ct);
    }
}
