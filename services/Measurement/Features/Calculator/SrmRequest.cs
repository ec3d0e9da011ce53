using System.ComponentModel;
using Platform.ServiceDefaults;

namespace Measurement.Features.Calculator;

/// <summary>Body of <c>POST /v1/stats/srm</c>: the units observed in each group and the shares the design gave them.</summary>
public sealed record SrmRequest
{
    /// <summary>Most groups in one test.</summary>
    public const int MaxGroups = 100;

    [Description("Units observed per group (whole numbers, at least 0), 2 to 100 groups.")]
    public IReadOnlyList<double?>? Observed { get; init; }

    [Description("Designed share of each group, in the same order, each above 0 (normalized to sum to 1, so 10, 45, 45 works).")]
    public IReadOnlyList<double?>? Shares { get; init; }

    /// <summary>The counts and shares, or null with every bad field recorded.</summary>
    public static (double[] Observed, double[] Shares)? Validate(SrmRequest? request, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (request is null)
        {
            errors.Add("body", "an srm object is required");
            return null;
        }

        var observed = Items(errors, "observed", request.Observed, (field, v) => Numbers.Count(errors, field, v, 0));
        var shares = Items(errors, "shares", request.Shares, (field, v) =>
        {
            var share = Numbers.Finite(errors, field, v, nonNegative: true);
            if (share is 0)
            {
                errors.Add(field, "must be above 0");
                return null;
            }

            return share;
        });
        if (observed is not null && shares is not null && observed.Length != shares.Length)
        {
            errors.Add("shares", "must have one share per observed count");
        }

        if (observed is not null && !errors.HasErrors && observed.Sum() <= 0)
        {
            errors.Add("observed", "must count at least one unit");
        }

        return errors.HasErrors ? null : (observed!, shares!);
    }

    private static double[]? Items(ValidationErrors errors, string field, IReadOnlyList<double?>? values, Func<string, double?, double?> check)
    {
        if (values is null || values.Count < 2 || values.Count > MaxGroups)
        {
            errors.Add(field, $"must list 2 to {MaxGroups} groups");
            return null;
        }

        var valid = values.Select((v, i) => check($"{field}[{i}]", v)).ToList();
        return valid.All(v => v is not null) ? valid.Select(v => v!.Value).ToArray() : null;
    }
}
