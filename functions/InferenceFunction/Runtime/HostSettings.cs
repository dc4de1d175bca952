using System.Globalization;
using Inference.Contracts;

namespace InferenceFunction.Runtime;

/// <summary>Host settings read from the environment Lambda gives the process.</summary>
public sealed record HostSettings(string RuntimeApiAddress, TimeSpan SafetyMargin)
{
    public const string SafetyMarginVariable = FunctionEnvironment.DeadlineSafetyMarginMs;
    private static readonly TimeSpan DefaultSafetyMargin = TimeSpan.FromMilliseconds(300);

    public static HostSettings FromEnvironment(Func<string, string?> getVariable)
    {
        var address = getVariable(RuntimeApiClient.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new InvalidOperationException(
                $"{RuntimeApiClient.EnvironmentVariable} is not set. This program is a Lambda function: run it in Lambda or under functions/LambdaEmulator.");
        }

        var margin = getVariable(SafetyMarginVariable);
        if (margin is null)
        {
            return new HostSettings(address, DefaultSafetyMargin);
        }

        return int.TryParse(margin, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? new HostSettings(address, TimeSpan.FromMilliseconds(ms))
            : throw new InvalidOperationException($"{SafetyMarginVariable}='{margin}' is not a whole number of milliseconds.");
    }
}
