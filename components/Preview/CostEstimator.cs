using System.Globalization;
using Inference.Contracts;
using Infra.Components;
using Infra.Core;
using Infra.Policy;
using Infra.Core.Synthesis;

namespace Infra.Preview;

/// <summary>
/// Prices a stack for a month of traffic. Fixed costs come from the resource graph by type (keys,
/// web ACLs, alarms, dashboards, stored packages); usage costs follow each inference function's
/// load through what the graph connects to it (API stage, WAF, logs, tables, bucket and queue).
/// </summary>
public sealed class CostEstimator(ProgramGraph graph, TrafficProfile traffic, Measurements measurements)
{
    /// <summary>Bytes logged per invocation: Lambda's JSON platform lines plus one application line.</summary>
    public const double LogBytesPerInvocation = 1024;

    /// <summary>Bytes of one JSON API Gateway access-log line.</summary>
    public const double AccessLogBytesPerRequest = 1024;

    /// <summary>Size of one predictions-log item (one write unit).</summary>
    public const double PredictionItemBytes = 1024;

    /// <summary>Days a predictions-log item is kept when the function does not say (PREDICTIONS_TTL_DAYS).</summary>
    public const double DefaultPredictionRetentionDays = 90;

    /// <summary>What a zip package adds to the model, zipped (the published function is 11 MB zipped).</summary>
    public const double ZipOverheadMb = 11;

    /// <summary>What a container image adds to the model (Amazon Linux 2023 base, Native AOT function, ONNX Runtime).</summary>
    public const double ImageOverheadMb = 60;

    /// <summary>Empty long polls of Lambda's SQS pollers: 5 pollers, one 20-second poll each at a time, all month.</summary>
    public const double IdlePollsPerMonth = 5 * PriceTable.SecondsPerMonth / 20;

    private const double Gb = 1024 * 1024 * 1024;

    private readonly List<CostLine> _lines = [];

    public CostEstimate Estimate()
    {
        _lines.Clear();
        AddFixedCosts();
        var loads = Loads();
        foreach (var (function, load) in loads)
        {
            AddFunctionCosts(function, load);
        }

        var accelerated = new AcceleratedCostEstimator(graph, traffic, measurements).Estimate();
        _lines.AddRange(accelerated.Lines);

        // One line per component, service and item: a component's five alarms are one item.
        var ordered = _lines
            .GroupBy(l => (l.Component, l.Service, l.Item, l.Unit))
            .Select(g => new CostLine(g.Key.Component, g.Key.Service, g.Key.Item, g.Sum(l => l.Quantity), g.Key.Unit, g.Sum(l => l.Monthly)))
            .OrderBy(l => l.Component.Replace('/', '\0'), StringComparer.Ordinal)
            .ThenBy(l => l.Service, StringComparer.Ordinal)
            .ThenBy(l => l.Item, StringComparer.Ordinal)
            .ToList();
        var functions = loads.Select(l => l.Load).ToList();
        var alwaysOn = AlwaysOnAlternative.Estimate(functions, ordered, traffic.PeakFactor);
        return new CostEstimate(ordered, functions, functions.Sum(f => f.Predictions), alwaysOn, Assumptions(functions), Budgets())
        {
            Accelerated = accelerated.BackEnds,
            AcceleratedAssumptions = accelerated.Assumptions,
        };
    }

    /// <summary>Monthly USD budgets with a literal amount: what the estimate is compared with.</summary>
    private List<DeclaredBudget> Budgets() =>
        [.. graph.Stack.Resources
            .Where(r => r.TypeToken == Aws.Budgets.Budget.PulumiType)
            .Select(r => (r.LogicalName, Inputs: graph.PropertiesOf(r)))
            .Where(b => b.Inputs.At("timeUnit").Text() == "MONTHLY" && b.Inputs.At("limitUnit").Text() == "USD")
            .Select(b => (b.LogicalName, Amount: b.Inputs.At("limitAmount").Number()))
            .Where(b => b.Amount is not null)
            .Select(b => new DeclaredBudget(b.LogicalName, b.Amount!.Value))];

    private List<string> Assumptions(IReadOnlyList<FunctionLoad> functions)
    {
        var apis = functions.Count(f => f.Kind == FunctionKind.Api);
        var batches = functions.Count(f => f.Kind == FunctionKind.Batch);
        var load = new List<string>();
        if (apis > 0)
        {
            load.Add($"{traffic.RequestsPerDay:N0} API predictions a day" + (apis > 1 ? $", shared evenly by {apis} API functions" : ""));
        }

        if (batches > 0)
        {
            load.Add($"{traffic.BatchObjectsPerDay:N0} batch objects a day of {traffic.PayloadKb:0.#} KB" + (batches > 1 ? $", shared evenly by {batches} batch functions" : ""));
        }

        return
        [
            string.Join("; ", load.Append($"a month is {PriceTable.HoursPerMonth:0} hours")),
            "traffic spread evenly over the day; provisioned instances serve what they can, on-demand the rest",
            $"model of {traffic.ModelSizeMb} MB in every stored package or image; logs {LogBytesPerInvocation / 1024:0} KB per invocation; no free tier",
        ];
    }

    private void Add(string component, string service, string item, double quantity, string unit, decimal price) =>
        _lines.Add(new CostLine(component, service, item, quantity, unit, (decimal)quantity * price));

    private static string ComponentOf(Resource resource) => resource.Scope.Path.Length == 0 ? StackPlan.StackGroup : resource.Scope.Path;

    private void AddFixedCosts()
    {
        foreach (var resource in graph.Stack.Resources)
        {
            var component = ComponentOf(resource);
            var properties = graph.PropertiesOf(resource);
            switch (resource.TypeToken)
            {
                case Aws.Kms.Key.PulumiType:
                    Add(component, "KMS", "customer managed keys", 1, "keys", PriceTable.KmsPerKeyMonth);
                    break;
                case Aws.WafV2.WebAcl.PulumiType:
                    Add(component, "WAF", "web ACLs", 1, "ACLs", PriceTable.WafPerWebAclMonth);
                    Add(component, "WAF", "rules", properties.At("rules").Items().Count, "rules", PriceTable.WafPerRuleMonth);
                    break;
                case Aws.CloudWatch.MetricAlarm.PulumiType:
                    // A metric-math alarm is billed for each metric it reads.
                    var metrics = properties.At("metricQueries").Items().OfType<MapValue>().Count(q => q.At("metric") is not null);
                    Add(component, "CloudWatch", "alarm metrics", Math.Max(1, metrics), "metrics", PriceTable.CloudWatchPerAlarmMetricMonth);
                    break;
                case Aws.CloudWatch.Dashboard.PulumiType:
                    Add(component, "CloudWatch", "dashboards", 1, "dashboards", PriceTable.CloudWatchPerDashboardMonth);
                    break;
                case Aws.Ecr.Repository.PulumiType:
                    Add(component, "ECR", "image storage", (traffic.ModelSizeMb + ImageOverheadMb) / 1024, "GB-month", PriceTable.EcrPerGbMonth);
                    break;
                case Aws.S3.BucketObject.PulumiType:
                    Add(component, "S3", "function package storage", (traffic.ModelSizeMb + ZipOverheadMb) / 1024, "GB-month", PriceTable.S3PerGbMonth);
                    break;
            }
        }
    }

    private List<(InferenceFunction Function, FunctionLoad Load)> Loads()
    {
        var functions = graph.Stack.Components.OfType<InferenceFunction>().ToList();
        var kinds = functions.ToDictionary(f => f, Kind);
        var apis = kinds.Values.Count(k => k == FunctionKind.Api);
        var batches = kinds.Values.Count(k => k == FunctionKind.Batch);
        return functions.Select(function =>
        {
            var kind = kinds[function];
            var perDay = kind switch
            {
                FunctionKind.Api => (double)traffic.RequestsPerDay / apis,
                FunctionKind.Batch => (double)traffic.BatchObjectsPerDay / batches,
                _ => 0,
            };
            var predictions = perDay * PriceTable.DaysPerMonth;
            var measured = measurements.For(function.Path);
            var (duration, p95, source) = measured is null
                ? (traffic.DurationMs, traffic.P95DurationMs, "configured (trafficDurationMs, trafficP95DurationMs)")
                : (measured.P50DurationMs, measured.P95DurationMs, $"measured by serve: p50 and p95 of {measured.Invocations:N0} local invocations ({measured.MeasuredAt ?? "time unknown"})");
            var invocations = kind == FunctionKind.Batch ? predictions / BatchSizeAt(function, predictions) : predictions;
            var memory = traffic.MemoryMb ?? (int)function.Settings.Memory.Mebibytes;
            var provisioned = ScheduledCapacity.Of(graph, function, Concurrency(predictions, duration));
            return (function, new FunctionLoad(function.Path, kind, predictions, invocations, duration, p95, memory, function.Settings.Architecture.Value, source, provisioned));
        }).ToList();
    }

    private FunctionKind Kind(InferenceFunction function)
    {
        var callers = graph.ReferencesTo(function.Alias).Concat(graph.ReferencesTo(function.Function)).Select(e => e.From.TypeToken).ToList();
        return callers.Contains(Aws.ApiGateway.Integration.PulumiType) ? FunctionKind.Api
            : callers.Contains(Aws.Lambda.EventSourceMapping.PulumiType) ? FunctionKind.Batch
            : FunctionKind.Idle;
    }

    /// <summary>Messages per invocation: what arrives within the batching window, at least 1 and at most the batch size.</summary>
    private double BatchSizeAt(InferenceFunction function, double messagesPerMonth)
    {
        var mapping = EventSourceOf(function);
        if (mapping is null)
        {
            return 1;
        }

        var properties = graph.PropertiesOf(mapping);
        var window = (double)(properties.At("maximumBatchingWindowInSeconds").Number() ?? 0);
        var size = (double)(properties.At("batchSize").Number() ?? 10);
        return Math.Clamp(messagesPerMonth / PriceTable.SecondsPerMonth * window, 1, size);
    }

    private Resource? EventSourceOf(InferenceFunction function) =>
        graph.ReferencesTo(function.Alias).Concat(graph.ReferencesTo(function.Function))
            .Select(e => e.From).FirstOrDefault(r => r.TypeToken == Aws.Lambda.EventSourceMapping.PulumiType);

    private void AddFunctionCosts(InferenceFunction function, FunctionLoad load)
    {
        var component = function.Path;
        var gb = load.MemoryMb / 1024.0;
        var gbSeconds = load.Predictions * load.DurationMs / 1000 * gb;
        // What Application Auto Scaling will provision with the emitted schedule, not what the schedule's args meant.
        var weekly = load.Provisioned?.Weekly;
        var onProvisioned = weekly is null ? 0 : gbSeconds * ProvisionedShare(weekly, load);

        Add(component, "Lambda", "requests", load.Invocations, "requests", PriceTable.LambdaPerRequest);
        Add(component, "Lambda", "duration", gbSeconds - onProvisioned, "GB-s", PriceTable.LambdaPerGbSecond(load.Architecture));
        if (weekly is not null)
        {
            var instanceHours = weekly.Sum() * PriceTable.HoursPerMonth / (7 * 24);
            Add(component, "Lambda", "duration on provisioned instances", onProvisioned, "GB-s", PriceTable.ProvisionedDurationPerGbSecond(load.Architecture));
            Add(component, "Lambda", $"provisioned concurrency ({instanceHours:N0} instance-hours)", instanceHours * 3600 * gb, "GB-s", PriceTable.ProvisionedPerGbSecond(load.Architecture));
        }

        var properties = graph.PropertiesOf(function.Function);
        if (properties.At("tracingConfig.mode").Text() == "Active")
        {
            Add(component, "X-Ray", "traces recorded", TracesRecorded(load.Invocations), "traces", PriceTable.XRayPerTraceRecorded);
        }

        AddLogs(component, function.LogGroup, load.Invocations * LogBytesPerInvocation);
        AddPredictionTables(properties, load.Predictions);
        if (load.Kind == FunctionKind.Api)
        {
            AddApiCosts(function, load.Predictions);
        }
        else if (load.Kind == FunctionKind.Batch)
        {
            AddBatchCosts(function, load);
        }
    }

    /// <summary>The part of the duration that provisioned instances serve, hour by hour over a week of even traffic.</summary>
    private static double ProvisionedShare(IReadOnlyList<int> weekly, FunctionLoad load)
    {
        var concurrency = Concurrency(load.Predictions, load.DurationMs);
        return concurrency <= 0 ? 0 : weekly.Average(instances => Math.Min(concurrency, instances) / concurrency);
    }

    /// <summary>Instances busy on average with even traffic: predictions a second times seconds each.</summary>
    private static double Concurrency(double predictionsPerMonth, double durationMs) => predictionsPerMonth / PriceTable.SecondsPerMonth * durationMs / 1000;

    /// <summary>
    /// X-Ray's default sampling: the first request each second, then 5 % of the rest. An API stage's
    /// segments join the function's trace, which X-Ray bills once.
    /// </summary>
    private static double TracesRecorded(double requestsPerMonth)
    {
        var perSecond = requestsPerMonth / PriceTable.SecondsPerMonth;
        return (Math.Min(perSecond, 1) + 0.05 * Math.Max(0, perSecond - 1)) * PriceTable.SecondsPerMonth;
    }

    private void AddLogs(string component, Resource logGroup, double bytesPerMonth)
    {
        var gbPerMonth = bytesPerMonth / Gb;
        var retentionDays = (double)(graph.PropertiesOf(logGroup).At("retentionInDays").Number() ?? 3653);
        Add(component, "CloudWatch", $"log ingestion ({logGroup.LocalName})", gbPerMonth, "GB", PriceTable.CloudWatchLogsPerGbIngested);
        // Kept for the retention period: a steady state of that many days of logs.
        Add(component, "CloudWatch", $"log storage ({logGroup.LocalName}, {retentionDays:0} days)", gbPerMonth * retentionDays / PriceTable.DaysPerMonth, "GB-month",
            PriceTable.CloudWatchLogsPerGbMonthStored);
    }

    private void AddPredictionTables(MapValue functionProperties, double predictions)
    {
        if (TableOf(functionProperties, FunctionEnvironment.PredictionsTable) is { } log)
        {
            var rate = double.TryParse(functionProperties.At("environment.variables.PREDICTIONS_SAMPLE_RATE").Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var sampled) ? sampled : 1;
            var ttlDays = double.TryParse(functionProperties.At("environment.variables.PREDICTIONS_TTL_DAYS").Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var days)
                ? days
                : DefaultPredictionRetentionDays;
            var writes = predictions * rate;
            var owner = ComponentOf(log);
            Add(owner, "DynamoDB", $"predictions log writes (sample rate {rate.ToString(CultureInfo.InvariantCulture)})", writes, "write units", PriceTable.DynamoDbPerWriteUnit);
            Add(owner, "DynamoDB", $"predictions log storage ({ttlDays:0} days)", writes * PredictionItemBytes / Gb * ttlDays / PriceTable.DaysPerMonth, "GB-month", PriceTable.DynamoDbPerGbMonth);
        }

        if (TableOf(functionProperties, FunctionEnvironment.PredictionCacheTable) is { } cache)
        {
            // Conservatively every lookup misses, so every prediction is also written.
            Add(ComponentOf(cache), "DynamoDB", "cache reads", predictions, "read units", PriceTable.DynamoDbPerReadUnit);
            Add(ComponentOf(cache), "DynamoDB", "cache writes", predictions, "write units", PriceTable.DynamoDbPerWriteUnit);
        }
    }

    private static Resource? TableOf(MapValue functionProperties, string variable) =>
        functionProperties.At($"environment.variables.{variable}") is ReferenceValue { Target: Resource table } ? table : null;

    private void AddApiCosts(InferenceFunction function, double requests)
    {
        var restApi = graph.ReferencesTo(function.Alias).Concat(graph.ReferencesTo(function.Function))
            .Where(e => e.From.TypeToken == Aws.ApiGateway.Integration.PulumiType)
            .SelectMany(e => graph.ReferencesFrom(e.From))
            .Select(e => e.To)
            .FirstOrDefault(r => r.TypeToken == Aws.ApiGateway.RestApi.PulumiType);
        if (restApi is null)
        {
            return;
        }

        Add(ComponentOf(restApi), "API Gateway", "REST requests", requests, "requests", PriceTable.ApiGatewayRestPerRequest);
        var stages = graph.ReferencesTo(restApi).Select(e => e.From).Where(r => r.TypeToken == Aws.ApiGateway.Stage.PulumiType).Distinct().ToList();
        foreach (var stage in stages)
        {
            var accessLogs = graph.ReferencesFrom(stage).FirstOrDefault(e => e.Property == "accessLogSettings" && e.To.TypeToken == Aws.CloudWatch.LogGroup.PulumiType);
            if (accessLogs is not null)
            {
                AddLogs(ComponentOf(stage), accessLogs.To, requests * AccessLogBytesPerRequest);
            }
        }

        var acls = graph.ReferencesTo(restApi).Select(e => e.From)
            .Where(r => r.TypeToken == Aws.WafV2.WebAclAssociation.PulumiType)
            .SelectMany(association => graph.ReferencesFrom(association).Select(e => e.To))
            .Where(r => r.TypeToken == Aws.WafV2.WebAcl.PulumiType)
            .Distinct();
        foreach (var acl in acls)
        {
            Add(ComponentOf(acl), "WAF", "requests inspected", requests, "requests", PriceTable.WafPerRequest);
        }
    }

    private void AddBatchCosts(InferenceFunction function, FunctionLoad load)
    {
        var mapping = EventSourceOf(function);
        var component = mapping is null ? function.Path : ComponentOf(mapping);
        var objects = load.Predictions;
        var storedGb = objects * traffic.PayloadKb / (1024 * 1024);

        // Each object: the client's PUT, the function's GET, and the result's PUT.
        Add(component, "S3", "PUT requests (inputs and results)", 2 * objects, "requests", PriceTable.S3PerPutRequest);
        Add(component, "S3", "GET requests", objects, "requests", PriceTable.S3PerGetRequest);
        Add(component, "S3", "input storage added this month (inputs are kept)", storedGb, "GB-month", PriceTable.S3PerGbMonth);

        // S3's notification sends each message; Lambda receives and deletes per batch, and polls all month.
        Add(component, "SQS", "requests", objects + 2 * load.Invocations + IdlePollsPerMonth, "requests", PriceTable.SqsPerRequest);

        // SSE-KMS with bucket keys and SQS data-key reuse: about one key request per object read, written and queued.
        Add(component, "KMS", "requests", 3 * objects, "requests", PriceTable.KmsPerRequest);
    }
}
