using System.Text;

namespace EndToEnd;

/// <summary>
/// The hostile-input corpus: JSON bodies no write endpoint may accept, shaped to the operation (its property names,
/// object or batch root) so they reach the binding of real fields, and CSV files the import endpoint may not import.
/// </summary>
public static class HostileBodies
{
    /// <summary>Characters in the 5 MB string.</summary>
    public const int LargeStringChars = 5 * 1024 * 1024;

    /// <summary>Items in the oversize batch.</summary>
    public const int LargeBatchItems = 100_001;

    /// <summary>Every hostile JSON body for <paramref name="operation"/>, with a name for failure messages.</summary>
    public static IEnumerable<(string Name, byte[] Body)> Json(WriteOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var text = operation.StringProperty;
        var number = operation.NumberProperty;
        string Root(string item) => operation.BodyIsArray ? "[" + item + "]" : item;
        byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

        // An empty or null body is the valid request of an operation whose body is optional (e.g. "run scoring now").
        if (operation.BodyRequired)
        {
            yield return ("empty body", []);
            yield return ("null", Utf8("null"));
        }

        yield return ("wrong root type: string", Utf8("\"text\""));
        yield return ("wrong root type: number", Utf8("42"));
        yield return ("wrong root type: true", Utf8("true"));
        yield return (operation.BodyIsArray ? "wrong root type: object" : "wrong root type: array", Utf8(operation.BodyIsArray ? "{}" : "[]"));
        yield return ("truncated", Utf8(Root($"{{\"{text}\":\"abc")));
        yield return ("truncated after a comma", Utf8(Root($"{{\"{text}\":\"abc\",")));
        yield return ("5,000-level nesting", Utf8(new string('[', 5000) + new string(']', 5000)));
        yield return ("5,000-level nesting in a property", Utf8(Root($"{{\"{text}\":{new string('[', 5000)}{new string(']', 5000)}}}")));
        yield return ("1e400", Utf8(Root($"{{\"{number}\":1e400}}")));
        yield return ("-1e400", Utf8(Root($"{{\"{number}\":-1e400}}")));
        yield return ("NaN", Utf8(Root($"{{\"{number}\":NaN}}")));
        yield return ("\"NaN\"", Utf8(Root($"{{\"{number}\":\"NaN\"}}")));
        yield return ("\"Infinity\"", Utf8(Root($"{{\"{number}\":\"Infinity\"}}")));
        yield return ("NUL", Utf8(Root($"{{\"{text}\":\"a\\u0000b\"}}")));
        yield return ("NUL in a property name", Utf8(Root("{\"a\\u0000b\":\"x\"}")));
        var open = operation.BodyIsArray ? "[" : "";
        var close = operation.BodyIsArray ? "]" : "";
        yield return ("invalid UTF-8", [.. Utf8($"{open}{{\"{text}\":\"a"), 0xFF, 0xFE, .. Utf8($"b\"}}{close}")]);
        yield return ("lone surrogate", Utf8(Root($"{{\"{text}\":\"a\\ud800b\"}}")));
        yield return ("lone low surrogate", Utf8(Root($"{{\"{text}\":\"a\\udc00b\"}}")));
        yield return ("duplicate keys", Utf8(Root($"{{\"{text}\":\"a\",\"{text}\":\"b\"}}")));
        yield return ("unknown property", Utf8(Root("{\"notAFieldOfThisEndpoint\":1}")));
        yield return ("wrong type: object for a string", Utf8(Root($"{{\"{text}\":{{\"x\":1}}}}")));
        yield return ("wrong type: text for a number", Utf8(Root($"{{\"{number}\":\"many\"}}")));
        yield return ("wrong type: every property an array", Utf8(Root("{" + string.Join(',', operation.Properties.Select(p => $"\"{p.Name}\":[]").DefaultIfEmpty($"\"{text}\":[]")) + "}")));
        yield return ("5 MB string", Utf8(Root($"{{\"{text}\":\"{new string('a', LargeStringChars)}\"}}")));
        yield return ("100,001-item batch", Utf8("[" + string.Join(',', Enumerable.Repeat("{}", LargeBatchItems)) + "]"));
    }

    /// <summary>
    /// CSV files that must not import a row, with a name and the content type they are sent with. UTF-16, binary, NUL,
    /// bytes that are not UTF-8, a 50 MB header line and a <c>;</c>-delimited file are refused at upload; a 50 MB data
    /// line and an unbalanced quote are refused at upload or fail the import without a data row.
    /// </summary>
    public static IEnumerable<(string Name, string ContentType, byte[] Body)> Csv()
    {
        const string Header = "source,order_id,customer_external_id,occurred_at,gross_amount";
        const string Row = "web,o-1,c-1,2024-01-01T00:00:00Z,10.00";
        var valid = Header + "\n" + Row + "\n";
        yield return ("empty file", "text/csv", []);
        yield return ("UTF-16 with BOM", "text/csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(valid)]);
        yield return ("UTF-16 declared as such", "text/csv; charset=utf-16", Encoding.Unicode.GetBytes(valid));
        yield return ("binary", "text/csv", Binary());
        yield return ("NUL byte in a cell", "text/csv", [.. Encoding.UTF8.GetBytes(Header + "\nweb,o-1,c"), 0x00, .. Encoding.UTF8.GetBytes("1,2024-01-01T00:00:00Z,10.00\n")]);
        yield return ("invalid UTF-8 in a cell", "text/csv", [.. Encoding.UTF8.GetBytes(Header + "\nweb,o-1,c"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("1,2024-01-01T00:00:00Z,10.00\n")]);
        yield return ("UTF-8-encoded surrogate in a cell", "text/csv", [.. Encoding.UTF8.GetBytes(Header + "\nweb,o-1,c"), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes("1,2024-01-01T00:00:00Z,10.00\n")]);
        yield return ("unbalanced quotes", "text/csv", Encoding.UTF8.GetBytes(Header + "\nweb,\"o-1,c-1,2024-01-01T00:00:00Z,10.00\nweb,o-2,c-2,2024-01-01T00:00:00Z,10.00\n"));
        yield return ("50 MB header line", "text/csv", Encoding.UTF8.GetBytes(Header + "," + new string('x', 50 * 1024 * 1024) + "\n" + Row + "\n"));
        yield return ("50 MB data line", "text/csv", Encoding.UTF8.GetBytes(Header + "\nweb,o-1,c-1,2024-01-01T00:00:00Z," + new string('9', 50 * 1024 * 1024) + "\n"));
        yield return (";-delimited", "text/csv", Encoding.UTF8.GetBytes(valid.Replace(',', ';')));
        yield return ("JSON sent as CSV", "text/csv", Encoding.UTF8.GetBytes("[{\"source\":\"web\",\"orderId\":\"o-1\"}]"));
    }

    private static byte[] Binary()
    {
        var bytes = new byte[64 * 1024];
        new Random(8).NextBytes(bytes); // fixed seed: the same file every run
        return bytes;
    }
}
