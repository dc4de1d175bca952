using Infra.Core;

namespace Infra.Components;

/// <summary>
/// What every API-fronted component takes for the parts in front of and around its functions: the REST API, its WAF,
/// and the thresholds of each function's alarms (checked by <see cref="InferenceMonitoring"/>).
/// </summary>
public abstract record ApiFrontArgs
{
    /// <summary>Routes, auth, usage plans, clients and throttling; the component sets the targets to its functions' <c>live</c> aliases.</summary>
    public RestApiSettings Api { get; init; } = new();

    public WafArgs Waf { get; init; } = new();

    /// <summary>Where alarms notify; one is created when absent.</summary>
    public AlarmNotifications? Notifications { get; init; }

    public double ErrorRatePercent { get; init; } = 1;

    /// <summary>The function's p95 duration alarm threshold, in whole milliseconds (<see cref="InferenceMonitoringArgs.P95Duration"/>).</summary>
    public TimeSpan P95Duration { get; init; } = TimeSpan.FromMilliseconds(500);

    public double ColdStartRatePercent { get; init; } = 5;
}
