using System.Globalization;

namespace Infra.Components;

/// <summary>The dashboard's cost-per-prediction math, on the prices of <see cref="PriceTable"/>.</summary>
public static class LambdaPricing
{
    /// <summary>
    /// A CloudWatch metric-math expression for dollars per 1,000 predictions, over metric ids
    /// for invocations (Sum), duration (Sum, ms) and predictions (Sum).
    /// </summary>
    public static string CostPerThousandPredictions(string invocations, string durationMs, string predictions, int memoryMb, string architecture)
    {
        var gb = memoryMb / 1024m;
        string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
        return $"IF({predictions} > 0, 1000 * ({invocations} * {Number(PriceTable.LambdaPerRequest)} + {durationMs} / 1000 * {Number(gb)} * {Number(PriceTable.LambdaPerGbSecond(architecture))}) / {predictions}, 0)";
    }
}
