using System.Text;
using System.Text.Json.Nodes;
using AwsSemantics.Tests.Catalog;
using AwsSemantics.Tests.Deployment;

namespace AwsSemantics.Tests.Limits;

/// <summary>
/// Quotas and value ranges AWS enforces when it creates a resource, which no type shows: each limit once, with the
/// document it comes from, checked on the program's inputs as deployed (<see cref="DeployedStack.Outputs"/>).
/// </summary>
public static class ServiceLimits
{
    // WAF Developer Guide, "Web ACL capacity units (WCUs)": a web ACL at the base price holds 1,500 WCUs (5,000 at most).
    public const int WebAclCapacity = 1500;

    // WAF Developer Guide, the managed rule group pages ("VendorName: AWS, Name: ..., WCU: n").
    public static readonly IReadOnlyDictionary<string, int> ManagedRuleGroupCapacity = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AWSManagedRulesCommonRuleSet"] = 700,
        ["AWSManagedRulesKnownBadInputsRuleSet"] = 200,
        ["AWSManagedRulesAmazonIpReputationList"] = 25,
    };

    // WAF Developer Guide, "Using match rule statements", "Using rate-based rule statements" and "Text transformation
    // options": IP set 1, geo 1, label 1, size constraint 1, regex 3, byte match 2 (EXACTLY, STARTS_WITH, ENDS_WITH) or
    // 10 (CONTAINS, CONTAINS_WORD), rate-based 2 plus its scope-down statement, logical statements the sum of theirs,
    // and 10 for each text transformation other than NONE.
    private const int TextTransformationCapacity = 10;

    // API Gateway Developer Guide, "Amazon API Gateway quotas": usage plans per API key, 10 by default.
    public const int UsagePlansPerApiKey = 10;

    // Lambda Developer Guide, "Lambda quotas": environment variables, 4 KB in total (keys and values).
    public const int EnvironmentBytes = 4096;

    // Lambda API Reference, CreateFunction: MemorySize 128-10,240 MB, Timeout 1-900 s, EphemeralStorage 512-10,240 MB.
    private static readonly (string Property, int Min, int Max, int Default)[] FunctionRanges =
        [("memorySize", 128, 10240, 128), ("timeout", 1, 900, 3)];

    private static readonly (int Min, int Max) EphemeralStorageMb = (512, 10240);

    // Lambda Developer Guide, "Using Lambda with Amazon SQS": a visibility timeout of at least six times the function's timeout.
    public const int VisibilityTimeoutFactor = 6;

    // SQS API Reference, CreateQueue: VisibilityTimeout defaults to 30 s, MessageRetentionPeriod to 345,600 s (4 days).
    private const int DefaultVisibilitySeconds = 30;
    private const int DefaultRetentionSeconds = 345_600;

    // Tagging AWS resources (General Reference, "Tag naming limits and requirements"): 50 user tags per resource,
    // keys up to 128 and values up to 256 Unicode characters.
    public const int TagsPerResource = 50;
    public const int TagKeyLength = 128;
    public const int TagValueLength = 256;

    public static IReadOnlyList<CatalogFinding> Check(DeployedStack stack) =>
        [.. WebAclCapacities(stack), .. UsagePlansPerKey(stack), .. Functions(stack), .. Queues(stack), .. Tags(stack), .. Alarms(stack)];

    /// <summary>Each web ACL's WCUs, with a finding for each statement the model does not know.</summary>
    public static IEnumerable<(string Acl, int Capacity, IReadOnlyList<string> Unknown)> WebAcls(DeployedStack stack)
    {
        foreach (var acl in stack.ResourcesOfType("aws:wafv2/webAcl:WebAcl"))
        {
            var unknown = new List<string>();
            var total = (stack.Outputs.Inputs(acl.Name)["rules"] as JsonArray ?? [])
                .Sum(rule => Capacity(rule?["statement"] as JsonObject, unknown));
            yield return (acl.Name, total, unknown);
        }
    }

    private static IEnumerable<CatalogFinding> WebAclCapacities(DeployedStack stack)
    {
        foreach (var (acl, capacity, unknown) in WebAcls(stack))
        {
            foreach (var statement in unknown)
            {
                yield return new CatalogFinding($"{stack}: {acl}", $"the WCU model does not know {statement}");
            }

            if (capacity > WebAclCapacity)
            {
                yield return new CatalogFinding($"{stack}: {acl}", $"its rules need {capacity} WCUs, over the web ACL's {WebAclCapacity} (WAF Developer Guide, web ACL capacity units)");
            }
        }
    }

    private static int Capacity(JsonObject? statement, List<string> unknown)
    {
        if (statement is null || statement.Count != 1)
        {
            unknown.Add($"a statement with {statement?.Count ?? 0} kinds");
            return 0;
        }

        var (kind, node) = statement.First();
        var body = node as JsonObject ?? [];
        int Transformations() => (body["textTransformations"] as JsonArray ?? []).Count(t => (string?)t?["type"] != "NONE") * TextTransformationCapacity;
        int Nested() => (body["statements"] as JsonArray ?? []).Sum(s => Capacity(s as JsonObject, unknown));
        switch (kind)
        {
            case "managedRuleGroupStatement":
                var group = (string?)body["name"] ?? "";
                if (ManagedRuleGroupCapacity.TryGetValue(group, out var capacity))
                {
                    return capacity;
                }

                unknown.Add($"managed rule group {group}");
                return 0;
            case "rateBasedStatement":
                return 2 + (body["scopeDownStatement"] is JsonObject scope ? Capacity(scope, unknown) : 0);
            case "ipSetReferenceStatement" or "geoMatchStatement" or "labelMatchStatement":
                return 1;
            case "sizeConstraintStatement":
                return 1 + Transformations();
            case "regexMatchStatement":
                return 3 + Transformations();
            case "byteMatchStatement":
                return ((string?)body["positionalConstraint"] is "CONTAINS" or "CONTAINS_WORD" ? 10 : 2) + Transformations();
            case "notStatement":
                return Capacity(body["statement"] as JsonObject, unknown);
            case "andStatement" or "orStatement":
                return Nested();
            default:
                unknown.Add(kind);
                return 0;
        }
    }

    private static IEnumerable<CatalogFinding> UsagePlansPerKey(DeployedStack stack)
    {
        var keys = stack.ResourcesOfType("aws:apigateway/apiKey:ApiKey").ToDictionary(k => stack.Outputs.Output(k.Name, "id"), k => k.Name, StringComparer.Ordinal);
        return stack.ResourcesOfType("aws:apigateway/usagePlanKey:UsagePlanKey")
            .GroupBy(k => ProgramText(stack.Outputs.Inputs(k.Name)["keyId"]))
            .Where(g => g.Count() > UsagePlansPerApiKey)
            .Select(g => new CatalogFinding($"{stack}: {keys.GetValueOrDefault(g.Key, "API key " + g.Key)}",
                $"in {g.Count()} usage plans, more than {UsagePlansPerApiKey} (API Gateway quotas: usage plans per API key)"));
    }

    private static IEnumerable<CatalogFinding> Functions(DeployedStack stack)
    {
        foreach (var function in stack.ResourcesOfType("aws:lambda/function:Function"))
        {
            var inputs = stack.Outputs.Inputs(function.Name);
            var where = $"{stack}: {function.Name}";
            foreach (var (property, min, max, fallback) in FunctionRanges)
            {
                var value = Number(inputs[property]) ?? fallback;
                if (value < min || value > max)
                {
                    yield return new CatalogFinding(where, $"{property} {value} is outside {min} to {max} (Lambda API Reference, CreateFunction)");
                }
            }

            if (Number(inputs["ephemeralStorage"]?["size"]) is { } storage && (storage < EphemeralStorageMb.Min || storage > EphemeralStorageMb.Max))
            {
                yield return new CatalogFinding(where, $"ephemeralStorage.size {storage} is outside {EphemeralStorageMb.Min} to {EphemeralStorageMb.Max} MB (Lambda API Reference, CreateFunction)");
            }

            if (inputs["environment"]?["variables"] is JsonObject variables)
            {
                var bytes = variables.Sum(v => Encoding.UTF8.GetByteCount(v.Key) + Encoding.UTF8.GetByteCount(ProgramText(v.Value)));
                if (bytes > EnvironmentBytes)
                {
                    yield return new CatalogFinding(where, $"its environment variables take {bytes} bytes, over Lambda's {EnvironmentBytes} (Lambda quotas)");
                }
            }
        }
    }

    /// <summary>Every SQS event source against its function's timeout, and every redrive against its dead-letter queue's retention.</summary>
    private static IEnumerable<CatalogFinding> Queues(DeployedStack stack)
    {
        var queues = stack.ResourcesOfType("aws:sqs/queue:Queue").ToDictionary(q => stack.Outputs.Output(q.Name, "arn"), q => q.Name, StringComparer.Ordinal);
        var functions = stack.ResourcesOfType("aws:lambda/function:Function").Select(f => (Resource: f.Name, Arn: stack.Outputs.Output(f.Name, "arn"), Name: stack.Outputs.Output(f.Name, "name"))).ToList();
        foreach (var mapping in stack.ResourcesOfType("aws:lambda/eventSourceMapping:EventSourceMapping"))
        {
            var inputs = stack.Outputs.Inputs(mapping.Name);
            if (!queues.TryGetValue(ProgramText(inputs["eventSourceArn"]), out var queue))
            {
                continue;
            }

            // functionName is a name or an ARN, either possibly qualified (":alias").
            var target = ProgramText(inputs["functionName"]);
            var function = functions.FirstOrDefault(f => target == f.Name || target == f.Arn || target.StartsWith(f.Arn + ":", StringComparison.Ordinal) || target.StartsWith(f.Name + ":", StringComparison.Ordinal));
            if (function.Resource is null)
            {
                yield return new CatalogFinding($"{stack}: {mapping.Name}", $"function '{target}' is not a function of the program");
                continue;
            }

            var timeout = Number(stack.Outputs.Inputs(function.Resource)["timeout"]) ?? 3;
            var visibility = Number(stack.Outputs.Inputs(queue)["visibilityTimeoutSeconds"]) ?? DefaultVisibilitySeconds;
            if (visibility < VisibilityTimeoutFactor * timeout)
            {
                yield return new CatalogFinding($"{stack}: {queue}", $"visibility timeout {visibility} s is under {VisibilityTimeoutFactor} x the {timeout} s timeout of {function.Resource}, which it feeds (Lambda Developer Guide, SQS)");
            }
        }

        foreach (var (source, deadLetters) in Redrives(stack, queues))
        {
            var retention = Number(stack.Outputs.Inputs(source)["messageRetentionSeconds"]) ?? DefaultRetentionSeconds;
            var kept = Number(stack.Outputs.Inputs(deadLetters)["messageRetentionSeconds"]) ?? DefaultRetentionSeconds;
            if (kept <= retention)
            {
                // SQS Developer Guide, dead-letter queues: a message keeps its original enqueue time, so a dead-letter
                // queue that keeps messages no longer than the source deletes them as soon as (or before) they arrive.
                yield return new CatalogFinding($"{stack}: {deadLetters}", $"retains messages {kept} s, not longer than the {retention} s of {source}, whose dead letters it takes (SQS Developer Guide, dead-letter queues)");
            }
        }
    }

    private static IEnumerable<(string Source, string DeadLetters)> Redrives(DeployedStack stack, Dictionary<string, string> queues)
    {
        var byUrl = queues.Values.ToDictionary(q => stack.Outputs.Output(q, "url"), q => q, StringComparer.Ordinal);
        var policies = queues.Values.Select(q => (Queue: q, Policy: stack.Outputs.Inputs(q)["redrivePolicy"]))
            .Concat(stack.ResourcesOfType("aws:sqs/redrivePolicy:RedrivePolicy").Select(r =>
                (Queue: byUrl.GetValueOrDefault(ProgramText(stack.Outputs.Inputs(r.Name)["queueUrl"])) ?? "", Policy: stack.Outputs.Inputs(r.Name)["redrivePolicy"])));
        foreach (var (queue, policy) in policies)
        {
            if (policy is null || queue.Length == 0)
            {
                continue;
            }

            var target = JsonNode.Parse(ProgramText(policy))?["deadLetterTargetArn"];
            if (target is not null && queues.TryGetValue(ProgramText(target), out var deadLetters))
            {
                yield return (queue, deadLetters);
            }
        }
    }

    private static IEnumerable<CatalogFinding> Tags(DeployedStack stack)
    {
        foreach (var resource in stack.Program.Resources)
        {
            if (stack.Outputs.Inputs(resource.Name)["tags"] is not JsonObject tags)
            {
                continue;
            }

            var where = $"{stack}: {resource.Name} ({resource.Type})";
            if (tags.Count > TagsPerResource)
            {
                yield return new CatalogFinding(where, $"{tags.Count} tags, over {TagsPerResource} (tag naming limits)");
            }

            foreach (var (key, value) in tags)
            {
                if (key.Length > TagKeyLength)
                {
                    yield return new CatalogFinding(where, $"tag key '{key}' has {key.Length} characters, over {TagKeyLength} (tag naming limits)");
                }

                if (ProgramText(value).Length > TagValueLength)
                {
                    yield return new CatalogFinding(where, $"tag '{key}' has a value of {ProgramText(value).Length} characters, over {TagValueLength} (tag naming limits)");
                }
            }
        }
    }

    /// <summary>
    /// CloudWatch API Reference, PutMetricAlarm: Period is 10, 20, 30 or a multiple of 60; Period x EvaluationPeriods is
    /// at most 604,800 s (7 days), and at most 86,400 s (1 day) for a period under an hour.
    /// </summary>
    private static IEnumerable<CatalogFinding> Alarms(DeployedStack stack)
    {
        foreach (var alarm in stack.ResourcesOfType("aws:cloudwatch/metricAlarm:MetricAlarm"))
        {
            var inputs = stack.Outputs.Inputs(alarm.Name);
            var periods = (inputs["metricQueries"] as JsonArray ?? []).Select(q => Number(q?["metric"]?["period"]) ?? Number(q?["period"]))
                .Append(Number(inputs["period"])).OfType<long>().ToList();
            var evaluations = Number(inputs["evaluationPeriods"]) ?? 0;
            foreach (var period in periods.Distinct())
            {
                var where = $"{stack}: {alarm.Name}";
                if (period is not (10 or 20 or 30) && (period <= 0 || period % 60 != 0))
                {
                    yield return new CatalogFinding(where, $"period {period} is not 10, 20, 30 or a multiple of 60 (PutMetricAlarm: Period)");
                }

                var limit = period < 3600 ? 86_400 : 604_800;
                if (period * evaluations > limit)
                {
                    yield return new CatalogFinding(where, $"{evaluations} evaluation periods of {period} s span {period * evaluations} s, over {limit} (PutMetricAlarm: Period)");
                }
            }
        }
    }

    private static long? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static string ProgramText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
