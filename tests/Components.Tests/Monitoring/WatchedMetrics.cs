using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Components.Tests.Monitoring;

/// <summary>
/// A metric an alarm or a dashboard widget watches. <see cref="Dimensions"/> maps each dimension name to its value; a
/// dashboard <c>SEARCH</c> names a dimension set whose values it does not fix (null values). <see cref="Group"/> is the
/// component that watches it (an alarm's component tag, a dashboard's name prefix), to tie EMF metrics to a function.
/// </summary>
internal sealed record WatchedMetric(string Group, string Where, string Namespace, string Name, IReadOnlyDictionary<string, string?> Dimensions)
{
    public override string ToString() =>
        $"{Where}: {Namespace} {Name} [{string.Join(", ", Dimensions.Select(d => d.Value is null ? d.Key : $"{d.Key}={d.Value}"))}]";
}

/// <summary>
/// Reads every watched metric out of a synthesized program (its JSON form): each MetricAlarm's single metric or the
/// metrics of its <c>metricQueries</c>, and every metric row and <c>SEARCH</c> of every dashboard body, wherever
/// one appears (a Dashboard's <c>dashboardBody</c>, or a stack output).
/// </summary>
internal static partial class WatchedMetrics
{
    public const string MetricAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm";

    public static IReadOnlyList<WatchedMetric> In(JsonObject program)
    {
        var found = new List<WatchedMetric>();
        foreach (var (name, resource) in program["resources"]!.AsObject())
        {
            if ((string?)resource!["type"] == MetricAlarm)
            {
                var properties = resource["properties"]!.AsObject();
                var group = ((string?)properties["tags"]?["component"] ?? name).Replace('/', '-');
                found.AddRange(Alarm(group, name, properties));
            }
            else
            {
                // A dashboard is named after its component ("embed-monitoring-dashboard").
                FindDashboards(resource, name, name[..Math.Max(0, name.LastIndexOf('-'))], found);
            }
        }

        foreach (var (name, output) in program["outputs"]?.AsObject() ?? [])
        {
            FindDashboards(output, $"output {name}", name, found);
        }

        return found;
    }

    private static IEnumerable<WatchedMetric> Alarm(string group, string name, JsonObject alarm)
    {
        if (alarm["metricName"] is not null)
        {
            yield return FromAlarmMetric(group, $"alarm {name}", alarm);
        }

        foreach (var query in alarm["metricQueries"]?.AsArray() ?? [])
        {
            if (query!["metric"] is JsonObject metric)
            {
                yield return FromAlarmMetric(group, $"alarm {name} query {(string?)query["id"]}", metric);
            }
            else
            {
                Assert.True(query["expression"] is not null, $"alarm {name}: a metric query with neither a metric nor an expression");
            }
        }
    }

    private static WatchedMetric FromAlarmMetric(string group, string where, JsonObject metric) => new(
        group,
        where,
        (string)metric["namespace"]!,
        (string)metric["metricName"]!,
        (metric["dimensions"]?.AsObject() ?? []).ToDictionary(d => d.Key, d => (string?)d.Value));

    private static void FindDashboards(JsonNode? node, string where, string group, List<WatchedMetric> found)
    {
        switch (node)
        {
            case JsonObject obj when obj["fn::toJSON"] is JsonObject body && body["widgets"] is JsonArray widgets:
                for (var i = 0; i < widgets.Count; i++)
                {
                    found.AddRange(Widget(group, $"{where} widget {i} '{(string?)widgets[i]!["properties"]?["title"]}'", widgets[i]!.AsObject()));
                }

                break;
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    FindDashboards(child, where, group, found);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    FindDashboards(child, where, group, found);
                }

                break;
        }
    }

    private static IEnumerable<WatchedMetric> Widget(string group, string where, JsonObject widget)
    {
        foreach (var row in widget["properties"]?["metrics"]?.AsArray() ?? [])
        {
            var items = row!.AsArray();
            if (items[0] is JsonObject math)
            {
                if (SearchPattern().Match((string?)math["expression"] ?? "") is { Success: true } search)
                {
                    var names = search.Groups["schema"].Value.Split(',');
                    yield return new WatchedMetric(group, $"{where} SEARCH", names[0], search.Groups["metric"].Value,
                        names.Skip(1).ToDictionary(n => n, n => (string?)FilterValue(search, n)));
                }

                continue; // metric math over the widget's other rows, which are checked themselves
            }

            // [namespace, name, dimension, value, ..., {options}]; the "." and "..." shorthands repeat an earlier row.
            var strings = items.TakeWhile(i => i is JsonValue).Select(i => (string)i!).ToList();
            Assert.False(strings.Contains(".") || strings.Contains("..."), $"{where}: shorthand rows are not read here: {row.ToJsonString()}");
            Assert.True(strings.Count % 2 == 0, $"{where}: a metric row without a value for each dimension: {row.ToJsonString()}");
            var dimensions = new Dictionary<string, string?>();
            for (var i = 2; i < strings.Count; i += 2)
            {
                dimensions.Add(strings[i], strings[i + 1]);
            }

            yield return new WatchedMetric(group, where, strings[0], strings[1], dimensions);
        }
    }

    private static string? FilterValue(Match search, string dimension) =>
        search.Groups["filter"].Captures.Zip(search.Groups["value"].Captures).Where(p => p.First.Value == dimension).Select(p => p.Second.Value).FirstOrDefault();

    // SEARCH('{Namespace,Dim1,Dim2} MetricName="X" Dim1="v"', 'Stat', period): the schema in braces is the exact dimension set.
    [GeneratedRegex("""SEARCH\('\{(?<schema>[^}]+)\}\s+MetricName="(?<metric>[^"]+)"(?:\s+(?<filter>\w+)="(?<value>[^"]*)")*'""")]
    private static partial Regex SearchPattern();
}
