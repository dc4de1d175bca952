using Infra.Core;

namespace Infra.Components;

/// <summary>
/// A CloudWatch metric a component publishes or owns, for alarms and dashboards: its namespace,
/// name, dimensions and the statistic that makes sense for it.
/// </summary>
public sealed record CloudWatchMetric(string Namespace, string MetricName, IReadOnlyDictionary<string, Input<string>> Dimensions, string Statistic)
{
    /// <summary>The dimensions as a MetricAlarm's <c>dimensions</c> input.</summary>
    public InputMap<string> DimensionMap()
    {
        var map = new InputMap<string>();
        foreach (var (name, value) in Dimensions)
        {
            map.Add(name, value);
        }

        return map;
    }

    /// <summary>One entry of a dashboard metric widget's <c>metrics</c> array: namespace, name, dimension pairs, options.</summary>
    public object[] WidgetEntry(string? label = null)
    {
        var entry = new List<object> { Namespace, MetricName };
        foreach (var (name, value) in Dimensions)
        {
            entry.Add(name);
            entry.Add(value);
        }

        var options = new Dictionary<string, object> { ["stat"] = Statistic };
        if (label is not null)
        {
            options["label"] = label;
        }

        entry.Add(options);
        return [.. entry];
    }
}
