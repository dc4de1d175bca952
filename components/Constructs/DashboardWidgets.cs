using Infra.Core;

namespace Infra.Components;

/// <summary>CloudWatch dashboard body pieces shared by the components' dashboards.</summary>
internal static class DashboardWidgets
{
    /// <summary>A half-width time-series graph of <paramref name="metrics"/> at one-minute periods.</summary>
    public static Dictionary<string, object> Metric(string title, Output<string> region, string stat, object[] metrics) => new()
    {
        ["type"] = "metric",
        ["width"] = 12,
        ["height"] = 6,
        ["properties"] = new Dictionary<string, object>
        {
            ["title"] = title,
            ["region"] = region,
            ["view"] = "timeSeries",
            ["stat"] = stat,
            ["period"] = 60,
            ["metrics"] = metrics,
        },
    };
}
