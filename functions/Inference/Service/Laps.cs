using System.Diagnostics;

namespace Inference.Service;

/// <summary>Times the steps of a request one after another.</summary>
internal static class Laps
{
    /// <returns>The milliseconds since <paramref name="timestamp"/>, which becomes now.</returns>
    public static double Lap(ref long timestamp)
    {
        var now = Stopwatch.GetTimestamp();
        var ms = Stopwatch.GetElapsedTime(timestamp, now).TotalMilliseconds;
        timestamp = now;
        return ms;
    }
}
