using System.Globalization;

namespace Infra.Components;

/// <summary>
/// AWS Lambda list prices (us-east-1), as of 2026-11: the one place the dashboard's
/// cost-per-prediction math and the cost estimate read them from.
/// </summary>
public static class LambdaPricing
{
    public const decimal PerRequest = 0.20m / 1_000_000m;

    public const decimal PerGbSecondX86 = 0.0000166667m;

    public const decimal PerGbSecondArm64 = 0.0000133334m;

    public static decimal PerGbSecond(string architecture) => architecture == "arm64" ? PerGbSecondArm64 : PerGbSecondX86;

    /// <summary>
    /// A CloudWatch metric-math expression for dollars per 1,000 predictions, over metric ids
    /// for invocations (Sum), duration (Sum, ms) and predictions (Sum).
    /// </summary>
    public static string CostPerThousandPredictions(string invocations, string durationMs, string predictions, int memoryMb, string architecture)
    {
        var gb = memoryMb / 1024m;
        string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
        return $"IF({predictions} > 0, 1000 * ({invocations} * {Number(PerRequest)} + {durationMs} / 1000 * {Number(gb)} * {Number(PerGbSecond(architecture))}) / {predictions}, 0)";
    }
}
