namespace Fuzzing;

/// <summary>
/// How many generated inputs each property-based test tries: a bounded default for the normal test run,
/// raised for a long run with the FUZZ_ITERATIONS environment variable.
/// </summary>
internal static class FuzzIterations
{
    public const string Variable = "FUZZ_ITERATIONS";

    /// <param name="ciDefault">Iterations for the normal run; kept small enough that the property takes seconds.</param>
    public static long Get(long ciDefault)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ciDefault;
        }

        return long.TryParse(text, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"{Variable} must be a positive whole number, not '{text}'.");
    }
}
