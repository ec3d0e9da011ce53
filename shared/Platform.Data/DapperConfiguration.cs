using System.Data;
using Dapper;

namespace Platform.Data;

/// <summary>Dapper settings shared by every service; applied once by <see cref="DatabaseExtensions.AddDatabase"/>.</summary>
public static class DapperConfiguration
{
    private static int _applied;

    /// <summary>Registers the type handlers (idempotent).</summary>
    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 0)
        {
            SqlMapper.AddTypeHandler(new UtcDateTimeOffsetHandler());
        }
    }

    /// <summary>
    /// Npgsql reads <c>timestamptz</c> as a UTC <see cref="DateTime"/>; records and contracts use <see cref="DateTimeOffset"/>.
    /// With this handler Dapper maps one to the other (also into positional records' constructors).
    /// </summary>
    private sealed class UtcDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset dto => dto,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            _ => throw new DataException($"Cannot read {value.GetType()} as a timestamp"),
        };

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();
    }
}
