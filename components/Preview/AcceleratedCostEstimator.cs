using System.Globalization;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Policy;

namespace Infra.Preview;

/// <summary>
/// Prices a stack's GPU and batch compute from the resource graph: SageMaker real-time variants by the instances
/// Application Auto Scaling keeps (the same week model as provisioned concurrency), asynchronous endpoints by the
/// instance-hours a daily backlog keeps them up, and AWS Batch compute environments by their jobs' Fargate or EC2
/// hours (AWS Batch itself has no charge). Each is compared with Lambda on CPU for the same predictions.
/// </summary>
public sealed class AcceleratedCostEstimator(ProgramGraph graph, TrafficProfile traffic, Measurements measurements)
{
    /// <summary>What a scale-to-zero endpoint bills per instance it starts: about 5 minutes to start, 15 for target tracking's scale-in alarm.</summary>
    public const double ActivationMinutes = 20;

    /// <summary>What a day's first Batch job bills before its first prediction: Fargate bills from the image pull, EC2 from the instance launch.</summary>
    public const double JobStartMinutes = 5;

    /// <summary>What every Batch job adds: its container's start (and Fargate's one-minute minimum per task).</summary>
    public const double PerJobMinutes = 1;

    private const string VariantDimension = "sagemaker:variant:DesiredInstanceCount";

    private readonly List<CostLine> _lines = [];
    private readonly List<string> _unpriced = [];

    /// <summary>The lines to add to the estimate, the back ends, and the assumptions to print with them.</summary>
    public sealed record Result(IReadOnlyList<CostLine> Lines, IReadOnlyList<AcceleratedBackEnd> BackEnds, IReadOnlyList<string> Assumptions);

    /// <summary>Lambda on CPU for one prediction: a request and the configured duration at the configured memory (one vCPU by default), x86_64.</summary>
    public decimal LambdaPerPrediction =>
        PriceTable.LambdaPerRequest + (decimal)(traffic.DurationMs / 1000 * LambdaMemoryMb / 1024) * PriceTable.LambdaPerGbSecondX86;

    private int LambdaMemoryMb => traffic.MemoryMb ?? (int)AlwaysOnAlternative.LambdaMbPerVcpu;

    public Result Estimate()
    {
        _lines.Clear();
        _unpriced.Clear();
        var variants = Variants();
        var environments = graph.Stack.Resources.Where(r => r.TypeToken == Aws.Batch.ComputeEnvironment.PulumiType).ToList();
        if (variants.Count == 0 && environments.Count == 0)
        {
            return new Result([], [], []);
        }

        var realTime = variants.Count(v => !v.Async);
        var batchLike = variants.Count(v => v.Async) + environments.Count;
        var requests = realTime == 0 ? 0 : traffic.RequestsPerDay * PriceTable.DaysPerMonth / realTime;
        var items = batchLike == 0 ? 0 : traffic.BatchObjectsPerDay * PriceTable.DaysPerMonth / batchLike;
        var backEnds = new List<AcceleratedBackEnd>();
        foreach (var variant in variants)
        {
            if (PriceTable.Instance(variant.InstanceType) is not { } price)
            {
                _unpriced.Add($"{variant.Config.LogicalName}: instance type {variant.InstanceType ?? "(none: serverless)"} has no checked price, so it is not priced");
                continue;
            }

            backEnds.Add(variant.Async ? Async(variant, price, items) : RealTime(variant, price, requests));
        }

        foreach (var environment in environments)
        {
            if (Batch(environment, items) is { } backEnd)
            {
                backEnds.Add(backEnd);
            }
        }

        return new Result([.. _lines], backEnds, Assumptions(realTime, batchLike));
    }

    private List<string> Assumptions(int realTime, int batchLike)
    {
        var share = (double)(1 - PriceTable.AssumedSpotShareOfOnDemand);
        List<string> assumptions =
        [
            $"Lambda on CPU: {traffic.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms at {LambdaMemoryMb:N0} MB x86_64 a prediction (trafficDurationMs, trafficMemoryMb), " +
                $"{Money(LambdaPerPrediction, 7)} with its request; compute only: the API, storage, logs and the front function are common to both",
            $"GPU time {GpuDurationSource()}",
        ];
        if (realTime > 0)
        {
            assumptions.Add($"real-time endpoints carry the {traffic.RequestsPerDay:N0} API predictions a day" + (realTime > 1 ? $", shared evenly by {realTime} variants" : "") +
                $"; scale-out is sized for the busiest hour (average × trafficPeakFactor {traffic.PeakFactor.ToString("0.##", CultureInfo.InvariantCulture)}) and held all week");
        }

        if (batchLike > 0)
        {
            assumptions.Add($"asynchronous endpoints and Batch compute carry the {traffic.BatchObjectsPerDay:N0} batch objects a day" + (batchLike > 1 ? $", shared evenly by {batchLike}" : "") +
                $", arriving as one backlog a day: a scale-to-zero endpoint bills {ActivationMinutes:0} minutes per instance it starts; Batch bills {JobStartMinutes:0} minutes a day to start " +
                $"and {PerJobMinutes:0} more per job (one job a day over a manifest, or one per object where an EventBridge target submits them)");
            assumptions.Add($"spot capacity at {share:P0} below on demand (spot prices vary; not a quote)");
        }

        return [.. assumptions, .. _unpriced];
    }

    private string GpuDurationSource() => traffic.GpuDurationMs.ToString("0.#", CultureInfo.InvariantCulture) +
        " ms a prediction on one instance, one at a time, unless serve measured the endpoint (trafficGpuDurationMs; not measured on a GPU here)";

    private sealed record Variant(Resource Endpoint, Resource Config, string? Name, string? InstanceType, int InitialCount, bool Async, MapValue ConfigProperties);

    /// <summary>Every production variant of every endpoint, with its endpoint configuration.</summary>
    private List<Variant> Variants() =>
        [.. graph.Stack.Resources
            .Where(r => r.TypeToken == Aws.SageMaker.Endpoint.PulumiType)
            .SelectMany(endpoint => graph.ReferencesFrom(endpoint)
                .Select(e => e.To)
                .Where(r => r.TypeToken == Aws.SageMaker.EndpointConfiguration.PulumiType)
                .Distinct()
                .SelectMany(config =>
                {
                    var properties = graph.PropertiesOf(config);
                    var async = properties.At("asyncInferenceConfig") is MapValue;
                    return properties.At("productionVariants").Items().OfType<MapValue>().Select(v => new Variant(endpoint, config, v.At("variantName").Text(),
                        v.At("instanceType").Text(), (int)(v.At("initialInstanceCount").Number() ?? 1), async, properties));
                }))];

    /// <summary>The variant's scalable target: it names the endpoint (by reference or by its literal name) and the variant.</summary>
    private ScalingSetup? ScalingOf(Variant variant)
    {
        var endpointName = graph.PropertiesOf(variant.Endpoint).At("name").Text();
        var target = graph.Stack.Resources
            .Where(r => r.TypeToken == Aws.AppAutoScaling.Target.PulumiType)
            .Select(r => (Resource: r, Properties: graph.PropertiesOf(r)))
            .Where(t => t.Properties.At("scalableDimension").Text() == VariantDimension)
            .Where(t => t.Properties.At("resourceId").Text() is { } id
                && (variant.Name is null || id.EndsWith("/variant/" + variant.Name, StringComparison.Ordinal))
                && (graph.ReferencesFrom(t.Resource).Any(e => ReferenceEquals(e.To, variant.Endpoint))
                    || (endpointName is not null && id.StartsWith($"endpoint/{endpointName}/", StringComparison.Ordinal))))
            .Select(t => t.Resource)
            .FirstOrDefault();
        return target is null ? null : ScalingSetup.Of(graph, target);
    }

    private static string ComponentOf(Resource resource) => resource.Scope.Path.Length == 0 ? StackPlan.StackGroup : resource.Scope.Path;

    /// <summary>GPU seconds for one prediction: serve's measured p50 for the endpoint's component, else the configured time.</summary>
    private (double Seconds, string Source) GpuSeconds(string component) => measurements.For(component) is { } measured
        ? (measured.P50DurationMs / 1000, $"{measured.P50DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms measured by serve ({measured.MeasuredAt ?? "time unknown"})")
        : (traffic.GpuDurationMs / 1000, $"{traffic.GpuDurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms configured");

    private AcceleratedBackEnd RealTime(Variant variant, InstancePrice price, double requests)
    {
        var component = ComponentOf(variant.Config);
        var scaling = ScalingOf(variant);
        var (gpuSeconds, gpuSource) = GpuSeconds(ComponentOf(variant.Endpoint));
        // Target tracking on invocations holds each instance at its target a minute; other metrics scale on what an instance can serve.
        var invocationsTarget = scaling?.TargetTracking?.At("predefinedMetricSpecification.predefinedMetricType").Text() == "SageMakerVariantInvocationsPerInstance"
            ? scaling.TargetValue
            : null;
        var perInstancePerSecond = invocationsTarget is { } target ? target / 60 : 1 / gpuSeconds;
        int Demand(double perMonth) => perMonth <= 0 ? 0 : (int)Math.Ceiling(perMonth / PriceTable.SecondsPerMonth * traffic.PeakFactor / perInstancePerSecond);
        ScheduledCapacity CapacityAt(double perMonth) => scaling is null
            ? new ScheduledCapacity("UTC", [.. Enumerable.Repeat(variant.InitialCount, ScheduledScalingModel.HoursPerWeek)], null)
            : ScheduledCapacity.Of(scaling, _ => Demand(perMonth));
        double Hours(ScheduledCapacity capacity) => capacity.InstanceHoursPerWeek * PriceTable.HoursPerMonth / ScheduledScalingModel.HoursPerWeek;

        var capacity = CapacityAt(requests);
        var hours = Hours(capacity);
        var label = $"{variant.InstanceType} instance-hours ({variant.Name ?? "variant"})";
        Add(component, "SageMaker", label, hours, "instance-hours", price.PerHour);
        var monthly = (decimal)hours * price.PerHour;

        var perInstance = invocationsTarget is { } value
            ? $"{value.ToString("N0", CultureInfo.InvariantCulture)} invocations a minute per instance (the target-tracking policy's target)"
            : $"{perInstancePerSecond.ToString("0.#", CultureInfo.InvariantCulture)} predictions a second per instance (GPU time {gpuSource})";
        var sizing = scaling is null
            ? $"{variant.InitialCount} instance(s) all month (initialInstanceCount; no scalable target)"
            : scaling.TargetTracking is null
                ? "the scalable target's limits and schedule, as Application Auto Scaling runs them (no target-tracking policy: no scale-out)"
                : $"the scalable target's limits and schedule as Application Auto Scaling runs them, scaled out for the busiest hour at {perInstance}";
        var demand = Demand(requests);
        if (scaling is not null && demand > scaling.HighestMaximum)
        {
            sizing += $"; the busiest hour wants {demand} instances, above the maximum of {scaling.HighestMaximum}: requests would queue or be throttled";
        }

        // The break-even: the first predictions a month at which the instances AWS keeps cost no more than Lambda.
        var perPrediction = LambdaPerPrediction;
        double? breakEven = null;
        string? never = null;
        if (scaling?.TargetTracking is null)
        {
            var fewest = capacity.Weekly.Min();
            var ceiling = fewest / gpuSeconds * PriceTable.SecondsPerMonth / traffic.PeakFactor;
            var candidate = (double)(monthly / perPrediction);
            if (candidate <= ceiling)
            {
                breakEven = candidate;
            }
            else
            {
                never = $"its fixed capacity ({fewest} instance(s) in the quietest hour) serves at most {ceiling:N0} predictions a month at the busiest hour, below the {candidate:N0} where it would pay off";
            }
        }
        else
        {
            var perStep = perInstancePerSecond * PriceTable.SecondsPerMonth / traffic.PeakFactor;
            for (var instances = 0; instances <= scaling.HighestMaximum && breakEven is null; instances++)
            {
                var (lower, upper) = (Math.Max(0, instances - 1) * perStep, instances * perStep);
                var cost = (decimal)Hours(ScheduledCapacity.Of(scaling, _ => instances)) * price.PerHour;
                var candidate = Math.Max((double)(cost / perPrediction), lower);
                if (candidate <= upper)
                {
                    breakEven = candidate;
                }
            }

            never = breakEven is null
                ? $"up to its maximum of {scaling.HighestMaximum} instances ({scaling.HighestMaximum * perStep:N0} predictions a month), an instance-hour costs more than the predictions it serves cost on Lambda"
                : null;
        }

        return new AcceleratedBackEnd(component, variant.Config.LogicalName, AcceleratedKind.RealTime, variant.InstanceType!, false, requests, hours, monthly, sizing, capacity,
            new BreakEven(perPrediction, perPrediction * (decimal)requests, monthly, breakEven, never));
    }

    private AcceleratedBackEnd Async(Variant variant, InstancePrice price, double items)
    {
        var component = ComponentOf(variant.Config);
        var scaling = ScalingOf(variant);
        var (gpuSeconds, gpuSource) = GpuSeconds(ComponentOf(variant.Endpoint));
        var scalesToZero = scaling is not null && scaling.Registered.Minimum == 0 && scaling.Actions.All(a => (a.MinCapacity ?? 0) == 0);
        var backlogTarget = scaling?.TargetTracking?.At("customizedMetricSpecification.metricName").Text() == "ApproximateBacklogSizePerInstance" ? scaling.TargetValue : null;
        var highest = Math.Max(1, scaling?.HighestMaximum ?? variant.InitialCount);
        int Started(double perMonth) => backlogTarget is { } target && target > 0
            ? Math.Clamp((int)Math.Ceiling(perMonth / PriceTable.DaysPerMonth / target), 1, highest)
            : 1;
        double Hours(double perMonth) => perMonth <= 0 ? 0 : perMonth * gpuSeconds / 3600 + PriceTable.DaysPerMonth * Started(perMonth) * ActivationMinutes / 60;

        ScheduledCapacity? capacity = null;
        double hours;
        string sizing;
        if (scalesToZero)
        {
            hours = Hours(items);
            sizing = $"scales to zero: busy {gpuSource} a prediction, plus {ActivationMinutes:0} minutes for each of {Started(items)} instance(s) started a day" +
                (backlogTarget is { } target ? $" (backlog target {target.ToString("N0", CultureInfo.InvariantCulture)} per instance)" : "");
        }
        else
        {
            capacity = scaling is null
                ? new ScheduledCapacity("UTC", [.. Enumerable.Repeat(variant.InitialCount, ScheduledScalingModel.HoursPerWeek)], null)
                : ScheduledCapacity.Of(scaling, null);
            hours = capacity.InstanceHoursPerWeek * PriceTable.HoursPerMonth / ScheduledScalingModel.HoursPerWeek;
            sizing = "does not scale to zero (a minimum capacity above 0, or no scalable target): its instances all month";
        }

        Add(component, "SageMaker", $"{variant.InstanceType} instance-hours (asynchronous, {variant.Name ?? "variant"})", hours, "instance-hours", price.PerHour);
        AddObjectStorage(component, items);
        var notifications = variant.ConfigProperties.At("asyncInferenceConfig.outputConfig.notificationConfig");
        if (notifications.At("successTopic").IsSet() || notifications.At("errorTopic").IsSet())
        {
            // One success or error notification per request.
            Add(component, "SNS", "completion notifications", items, "publishes", PriceTable.SnsPerPublish);
        }

        var monthly = (decimal)hours * price.PerHour;
        var comparison = scalesToZero
            ? Linear(price.PerHour * (decimal)(gpuSeconds / 3600), perMonth => price.PerHour * (decimal)(PriceTable.DaysPerMonth * Started(perMonth) * ActivationMinutes / 60), items, monthly)
            : Fixed(monthly, items);
        return new AcceleratedBackEnd(component, variant.Config.LogicalName, AcceleratedKind.Async, variant.InstanceType!, false, items, hours, monthly, sizing, capacity, comparison);
    }

    private AcceleratedBackEnd? Batch(Resource environment, double items)
    {
        var component = ComponentOf(environment);
        var resources = graph.PropertiesOf(environment).At("computeResources");
        var type = resources.At("type").Text() ?? "EC2";
        var spot = type is "SPOT" or "FARGATE_SPOT";
        var job = JobOf(environment);
        // An EventBridge target that submits the job definition submits one job per object (S3 event).
        var perObject = job is not null && graph.ReferencesTo(job).Any(e => e.From.TypeToken == Aws.CloudWatch.EventTarget.PulumiType && e.Property == "batchTarget");
        var (vcpus, memoryMb, gpus, architecture) = job is null ? (1.0, 2048.0, 0, "x86_64") : Requirements(graph.PropertiesOf(job).At("containerProperties").JsonDocumentOf());
        var share = spot ? SpotShare(resources) : 1m;
        var perDay = items / PriceTable.DaysPerMonth;

        if (type.StartsWith("FARGATE", StringComparison.Ordinal))
        {
            // The job runs its predictions side by side on its vCPUs, each as long as on Lambda's one vCPU.
            var seconds = traffic.DurationMs / 1000 / Math.Max(1, Math.Floor(vcpus));
            var perHour = ((decimal)vcpus * PriceTable.FargatePerVcpuHour(architecture) + (decimal)(memoryMb / 1024) * PriceTable.FargatePerGbHour(architecture)) * share;
            var (itemCost, dailyCost) = JobCosts(perHour, seconds, perObject, 1);
            var hours = items <= 0 ? 0 : (double)((itemCost * (decimal)items + dailyCost * (decimal)PriceTable.DaysPerMonth) / perHour);
            var size = $"{vcpus.ToString("0.##", CultureInfo.InvariantCulture)} vCPU / {(memoryMb / 1024).ToString("0.##", CultureInfo.InvariantCulture)} GB {architecture}";
            Add(component, "Fargate", $"Batch jobs ({size}{(spot ? ", Fargate Spot" : "")})", hours, "task-hours", perHour);
            AddObjectStorage(component, items);
            var monthly = (decimal)hours * perHour;
            return new AcceleratedBackEnd(component, environment.LogicalName, AcceleratedKind.BatchFargate, size, spot, items, hours, monthly,
                $"{Jobs(perObject, perDay)} at {traffic.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms an object (trafficDurationMs) across its vCPUs; AWS Batch itself is free",
                null, Linear(itemCost, _ => dailyCost * (decimal)PriceTable.DaysPerMonth, items, monthly));
        }

        var instanceTypes = resources.At("instanceTypes").Items().Select(i => i.Text()).ToList();
        var (instanceType, price) = instanceTypes.Select(t => (Type: t, Price: PriceTable.Instance(t))).FirstOrDefault(t => t.Price is not null && !t.Type!.StartsWith("ml.", StringComparison.Ordinal));
        if (price is null)
        {
            _unpriced.Add($"{environment.LogicalName}: instance types {string.Join(", ", instanceTypes.Select(t => t ?? "?"))} have no checked price, so it is not priced");
            return null;
        }

        var gpuBound = gpus > 0 && price.Gpus > 0;
        var (itemSeconds, itemSource) = gpuBound ? GpuSeconds(component) : (traffic.DurationMs / 1000, $"{traffic.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)} ms (trafficDurationMs)");
        var instancesPerJob = Math.Max(1, Math.Max((int)Math.Ceiling(vcpus / price.Vcpus), price.Gpus == 0 ? 0 : (int)Math.Ceiling((double)gpus / price.Gpus)));
        var minimumInstances = (int)Math.Ceiling((double)(resources.At("minVcpus").Number() ?? 0) / price.Vcpus);
        var hourly = price.PerHour * share;
        var (ec2ItemCost, ec2DailyCost) = JobCosts(hourly, itemSeconds / instancesPerJob, perObject, instancesPerJob);
        var always = minimumInstances * PriceTable.HoursPerMonth;
        var jobHours = items <= 0 ? 0 : (double)((ec2ItemCost * (decimal)items + ec2DailyCost * (decimal)PriceTable.DaysPerMonth) / hourly);
        var ec2Hours = Math.Max(always, jobHours);
        Add(component, "EC2", $"{instanceType} instance-hours for Batch ({(spot ? "Spot" : "on demand")})", ec2Hours, "instance-hours", hourly);
        AddObjectStorage(component, items);
        var ec2Monthly = (decimal)ec2Hours * hourly;
        var ec2Sizing = minimumInstances > 0
            ? $"minVcpus keeps {minimumInstances} instance(s) all month"
            : $"scales to zero: {Jobs(perObject, perDay)} at {itemSource} an object on {instancesPerJob} instance(s); AWS Batch itself is free";
        var ec2Comparison = minimumInstances > 0
            ? Fixed(ec2Monthly, items)
            : Linear(ec2ItemCost, _ => ec2DailyCost * (decimal)PriceTable.DaysPerMonth, items, ec2Monthly);
        return new AcceleratedBackEnd(component, environment.LogicalName, AcceleratedKind.BatchEc2, instanceType!, spot, items, ec2Hours, ec2Monthly, ec2Sizing, null, ec2Comparison);
    }

    /// <summary>
    /// A Batch back end's cost per object (its compute, and a job's start where each object is a job) and per day (the
    /// day's first start, and the one job's start where a job takes the day's objects), at <paramref name="perHour"/> per instance or task.
    /// </summary>
    private static (decimal PerItem, decimal PerDay) JobCosts(decimal perHour, double itemSeconds, bool perObject, int instances)
    {
        var perItemHours = itemSeconds / 3600 + (perObject ? PerJobMinutes / 60 : 0);
        var perDayHours = (JobStartMinutes + (perObject ? 0 : PerJobMinutes)) / 60;
        return (perHour * instances * (decimal)perItemHours, perHour * instances * (decimal)perDayHours);
    }

    private static string Jobs(bool perObject, double perDay) => perObject
        ? $"one job per object ({perDay:N0} a day, submitted by EventBridge), {PerJobMinutes:0} minute each to start, plus {JobStartMinutes:0} minutes a day"
        : $"one job a day over the day's {perDay:N0} objects, plus {JobStartMinutes + PerJobMinutes:0} minutes to start";

    /// <summary>Spot at the assumed share of on demand, or at the compute environment's bid cap where that is lower.</summary>
    private static decimal SpotShare(ProgramValue? resources) =>
        resources.At("bidPercentage").Number() is { } bid && bid > 0 ? Math.Min(PriceTable.AssumedSpotShareOfOnDemand, bid / 100) : PriceTable.AssumedSpotShareOfOnDemand;

    /// <summary>The job definition the environment runs: the one in its component, else the stack's only one.</summary>
    private Resource? JobOf(Resource environment)
    {
        var definitions = graph.Stack.Resources.Where(r => r.TypeToken == Aws.Batch.JobDefinition.PulumiType).ToList();
        return definitions.FirstOrDefault(d => d.Scope.Path == environment.Scope.Path) ?? (definitions.Count == 1 ? definitions[0] : null);
    }

    /// <summary>vCPUs, memory (MiB), GPUs and architecture from <c>containerProperties</c>: resourceRequirements, or the older vcpus and memory.</summary>
    private static (double Vcpus, double MemoryMb, int Gpus, string Architecture) Requirements(ProgramValue? container)
    {
        double? Requirement(string name) => container.At("resourceRequirements").Items().OfType<MapValue>()
            .Where(r => r.At("type").Text() == name)
            .Select(r => double.TryParse(r.At("value").Text(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : (double?)null)
            .FirstOrDefault();
        var vcpus = Requirement("VCPU") ?? (double?)container.At("vcpus").Number() ?? 1;
        var memory = Requirement("MEMORY") ?? (double?)container.At("memory").Number() ?? 2048;
        var gpus = (int)(Requirement("GPU") ?? 0);
        var architecture = container.At("runtimePlatform.cpuArchitecture").Text() == "ARM64" ? "arm64" : "x86_64";
        return (vcpus, memory, gpus, architecture);
    }

    /// <summary>Each object: the client's PUT, the back end's GET and the result's PUT, and the input kept.</summary>
    private void AddObjectStorage(string component, double items)
    {
        Add(component, "S3", "PUT requests (inputs and results)", 2 * items, "requests", PriceTable.S3PerPutRequest);
        Add(component, "S3", "GET requests", items, "requests", PriceTable.S3PerGetRequest);
        Add(component, "S3", "input storage added this month (inputs are kept)", items * traffic.PayloadKb / (1024 * 1024), "GB-month", PriceTable.S3PerGbMonth);
    }

    /// <summary>A back end whose cost does not depend on the predictions: it pays off once Lambda's cost reaches it.</summary>
    private BreakEven Fixed(decimal monthly, double predictions) =>
        new(LambdaPerPrediction, LambdaPerPrediction * (decimal)predictions, monthly, (double)(monthly / LambdaPerPrediction), null);

    /// <summary>
    /// A back end that costs <paramref name="perPrediction"/> a prediction plus a fixed monthly overhead (which may grow in steps
    /// with the volume): it pays off where Lambda's cost catches up with the overhead, if its own prediction is cheaper.
    /// </summary>
    private BreakEven Linear(decimal perPrediction, Func<double, decimal> overhead, double predictions, decimal monthly)
    {
        var lambda = LambdaPerPrediction;
        if (perPrediction >= lambda)
        {
            return new BreakEven(lambda, lambda * (decimal)predictions, monthly, null,
                $"a prediction costs {Money(perPrediction, 7)} of compute here against {Money(lambda, 7)} on Lambda");
        }

        // The overhead grows with the volume in steps (more instances started): settle on a volume whose overhead it covers.
        var volume = 1.0;
        for (var step = 0; step < 32; step++)
        {
            var next = (double)(overhead(volume) / (lambda - perPrediction));
            if (Math.Abs(next - volume) < 1e-6 * Math.Max(1, volume))
            {
                break;
            }

            volume = next;
        }

        return new BreakEven(lambda, lambda * (decimal)predictions, monthly, volume, null);
    }

    private void Add(string component, string service, string item, double quantity, string unit, decimal price) =>
        _lines.Add(new CostLine(component, service, item, quantity, unit, (decimal)quantity * price));

    private static string Money(decimal value, int decimals) =>
        "$" + value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
