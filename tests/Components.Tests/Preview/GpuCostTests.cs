using Infra.Aws.AppAutoScaling;
using Infra.Aws.Batch;
using Infra.Aws.SageMaker;
using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Preview;

namespace Components.Tests.Preview;

/// <summary>
/// The GPU and batch estimate, on programs built by hand with the generated SageMaker, Application Auto Scaling and
/// AWS Batch classes (the property shapes of the provider schema). Every expected figure is worked out here from the
/// list prices, not read back from the estimator.
/// </summary>
public sealed class GpuCostTests
{
    private const double Days = 730.0 / 24;
    private const double SecondsPerMonth = 730.0 * 3600;

    /// <summary>Lambda on CPU for one prediction at 150 ms and 1,769 MB x86_64 (the profile's defaults): request plus duration.</summary>
    private static readonly decimal DefaultLambdaPerPrediction = 0.20m / 1_000_000m + (decimal)(0.150 * 1769 / 1024.0) * 0.0000166667m;

    private sealed record Endpoint(Stack Stack, Infra.Aws.SageMaker.Endpoint Resource, Output<string> ResourceId);

    private static Endpoint GpuEndpoint(string instanceType, int initialCount = 1, bool async = false, bool notifications = false)
    {
        var stack = new Stack("proj", "prod");
        var model = new Model(stack, "gpu-model", new ModelArgs { ExecutionRoleArn = "arn:aws:iam::123456789012:role/sagemaker" });
        var config = new EndpointConfiguration(stack, "gpu-config", new EndpointConfigurationArgs
        {
            ProductionVariants = new[]
            {
                new EndpointConfigurationProductionVariantArgs
                {
                    VariantName = "AllTraffic", ModelName = model.ModelName, InstanceType = instanceType, InitialInstanceCount = initialCount,
                },
            },
            AsyncInferenceConfig = async
                ? new EndpointConfigurationAsyncInferenceConfigArgs
                {
                    OutputConfig = new EndpointConfigurationAsyncInferenceConfigOutputConfigArgs
                    {
                        S3OutputPath = "s3://results/out",
                        NotificationConfig = notifications
                            ? new EndpointConfigurationAsyncInferenceConfigOutputConfigNotificationConfigArgs { SuccessTopic = "arn:aws:sns:us-east-1:123456789012:ok", ErrorTopic = "arn:aws:sns:us-east-1:123456789012:failed" }
                            : null,
                    },
                }
                : null,
        });
        var endpoint = new Infra.Aws.SageMaker.Endpoint(stack, "gpu-endpoint", new EndpointArgs { EndpointConfigName = config.EndpointConfigurationName });
        return new Endpoint(stack, endpoint, Output.Format($"endpoint/{endpoint.EndpointName}/variant/AllTraffic"));
    }

    private static void ScalableTarget(Endpoint endpoint, int min, int max) =>
        new Target(endpoint.Stack, "gpu-target", new TargetArgs
        {
            ServiceNamespace = "sagemaker", ScalableDimension = "sagemaker:variant:DesiredInstanceCount", ResourceId = endpoint.ResourceId, MinCapacity = min, MaxCapacity = max,
        });

    private static void Scheduled(Endpoint endpoint, string name, string cron, int min, int max) =>
        new ScheduledAction(endpoint.Stack, name, new ScheduledActionArgs
        {
            ServiceNamespace = "sagemaker", ScalableDimension = "sagemaker:variant:DesiredInstanceCount", ResourceId = endpoint.ResourceId, Schedule = cron, Timezone = "UTC",
            ScalableTargetAction = new ScheduledActionScalableTargetActionArgs { MinCapacity = min, MaxCapacity = max },
        });

    private static void InvocationsPolicy(Endpoint endpoint, double perMinute) =>
        new Policy(endpoint.Stack, "gpu-invocations", new PolicyArgs
        {
            PolicyType = "TargetTrackingScaling", ServiceNamespace = "sagemaker", ScalableDimension = "sagemaker:variant:DesiredInstanceCount", ResourceId = endpoint.ResourceId,
            TargetTrackingScalingPolicyConfiguration = new PolicyTargetTrackingScalingPolicyConfigurationArgs
            {
                TargetValue = perMinute,
                PredefinedMetricSpecification = new PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs { PredefinedMetricType = "SageMakerVariantInvocationsPerInstance" },
            },
        });

    private static void BacklogPolicy(Endpoint endpoint, double backlogPerInstance) =>
        new Policy(endpoint.Stack, "gpu-backlog", new PolicyArgs
        {
            PolicyType = "TargetTrackingScaling", ServiceNamespace = "sagemaker", ScalableDimension = "sagemaker:variant:DesiredInstanceCount", ResourceId = endpoint.ResourceId,
            TargetTrackingScalingPolicyConfiguration = new PolicyTargetTrackingScalingPolicyConfigurationArgs
            {
                TargetValue = backlogPerInstance,
                CustomizedMetricSpecification = new PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgs
                {
                    MetricName = "ApproximateBacklogSizePerInstance", Namespace = "AWS/SageMaker", Statistic = "Average",
                },
            },
        });

    private static Stack BatchStack(string type, string containerProperties, string[]? instanceTypes = null, double? bidPercentage = null, bool perObject = false)
    {
        var stack = new Stack("proj", "prod");
        var environment = new ComputeEnvironment(stack, "batch-compute", new ComputeEnvironmentArgs
        {
            Type = "MANAGED",
            ComputeResources = new ComputeEnvironmentComputeResourcesArgs
            {
                Type = type,
                MaxVcpus = 16,
                Subnets = new[] { "subnet-1" },
                InstanceTypes = instanceTypes is null ? null : (InputList<string>)instanceTypes,
                BidPercentage = bidPercentage is { } bid ? (Input<double>)bid : null,
            },
        });
        new JobQueue(stack, "batch-queue", new JobQueueArgs
        {
            Priority = 1, State = "ENABLED",
            ComputeEnvironmentOrders = new[] { new JobQueueComputeEnvironmentOrderArgs { Order = 1, ComputeEnvironment = environment.Arn } },
        });
        var queue = stack.Resources.OfType<JobQueue>().Single();
        var job = new JobDefinition(stack, "batch-job", new JobDefinitionArgs { Type = "container", ContainerProperties = containerProperties });
        if (perObject)
        {
            // BatchInference's shape: an EventBridge rule on the bucket's Object Created events submits one job per object.
            new Infra.Aws.CloudWatch.EventTarget(stack, "submit-job", new Infra.Aws.CloudWatch.EventTargetArgs
            {
                Rule = "object-created", Arn = queue.Arn,
                BatchTarget = new Infra.Aws.CloudWatch.EventTargetBatchTargetArgs { JobDefinition = job.Arn, JobName = "inference" },
            });
        }

        return stack;
    }

    private static CostEstimate Estimate(Stack stack, TrafficProfile traffic) => new CostEstimator(new ProgramGraph(stack), traffic, Measurements.None).Estimate();

    private static string Printed(CostEstimate estimate)
    {
        using var writer = new StringWriter();
        CostWriter.Write(estimate, writer);
        return writer.ToString();
    }

    [Fact]
    public void One_always_on_instance_costs_its_hourly_price_for_730_hours()
    {
        var endpoint = GpuEndpoint("ml.g6.xlarge");

        var estimate = Estimate(endpoint.Stack, new TrafficProfile());

        var backEnd = Assert.Single(estimate.Accelerated);
        Assert.Equal(AcceleratedKind.RealTime, backEnd.Kind);
        Assert.Equal(730, backEnd.InstanceHours, 9);
        Assert.Equal(1.1267m * 730, backEnd.ComputeMonthly);
        var line = Assert.Single(estimate.Lines, l => l.Service == "SageMaker");
        Assert.Equal("ml.g6.xlarge instance-hours (AllTraffic)", line.Item);
        Assert.Equal(1.1267m * 730, line.Monthly);
        Assert.Equal(1.1267m * 730, estimate.ServiceTotal("SageMaker"));
    }

    [Fact]
    public void A_fixed_endpoint_that_cannot_carry_its_break_even_rate_never_pays_off()
    {
        var endpoint = GpuEndpoint("ml.g6.xlarge");

        var comparison = Assert.Single(Estimate(endpoint.Stack, new TrafficProfile()).Accelerated).Comparison;

        // Lambda: 10,000 predictions a day at the default 150 ms and 1,769 MB.
        Assert.Equal(DefaultLambdaPerPrediction, comparison.LambdaPerPrediction);
        Assert.Equal((double)(DefaultLambdaPerPrediction * 10_000) * Days, (double)comparison.LambdaMonthly, 6);
        // $822.49 / $0.0000045 is about 182 million predictions a month; one instance at 20 ms serves 50 a second at the
        // busiest hour (3 × average), 43.8 million a month.
        Assert.Null(comparison.PredictionsPerMonth);
        Assert.Contains("43,800,000", comparison.Never, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduled_actions_set_the_instance_hours_hour_by_hour()
    {
        var endpoint = GpuEndpoint("ml.g5.xlarge");
        ScalableTarget(endpoint, 1, 4);
        Scheduled(endpoint, "gpu-weekday-peak", "cron(0 8 ? * MON-FRI *)", 2, 4);
        // Lowering the minimum alone never scales in: the evening action lowers the maximum too.
        Scheduled(endpoint, "gpu-weekday-evening", "cron(0 18 ? * MON-FRI *)", 1, 1);

        var backEnd = Assert.Single(Estimate(endpoint.Stack, new TrafficProfile()).Accelerated);

        // Weekdays 10 hours at 2 and 14 at 1, weekends 1: 5 × 34 + 48 = 218 instance-hours a week.
        Assert.Equal(218, backEnd.Capacity!.InstanceHoursPerWeek);
        Assert.Equal("Mon-Fri 00:00-08:00 1, 08:00-18:00 2, 18:00-24:00 1; Sat-Sun all day 1", backEnd.Capacity.Describe());
        Assert.Equal(218 * 730.0 / 168, backEnd.InstanceHours, 9);
        Assert.Equal(218 * 730.0 / 168 * 1.408, (double)backEnd.ComputeMonthly, 9);
    }

    [Fact]
    public void Target_tracking_on_invocations_scales_out_for_the_busiest_hour()
    {
        var endpoint = GpuEndpoint("ml.g4dn.xlarge");
        ScalableTarget(endpoint, 1, 10);
        InvocationsPolicy(endpoint, 600);

        // 2 million a day: 23.1 a second on average, 69.4 at the busiest hour; 10 a second per instance wants 7 instances.
        var backEnd = Assert.Single(Estimate(endpoint.Stack, new TrafficProfile { RequestsPerDay = 2_000_000 }).Accelerated);

        Assert.All(backEnd.Capacity!.Weekly, instances => Assert.Equal(7, instances));
        Assert.Equal(7 * 730 * 0.7364, (double)backEnd.ComputeMonthly, 9);
    }

    [Fact]
    public void The_break_even_is_the_first_rate_at_which_the_instances_cost_no_more_than_lambda()
    {
        var endpoint = GpuEndpoint("ml.g4dn.xlarge");
        ScalableTarget(endpoint, 1, 10);
        InvocationsPolicy(endpoint, 600);
        // A slow CPU model: 2 s at 10 GB on Lambda.
        var traffic = new TrafficProfile { DurationMs = 2000, MemoryMb = 10_240 };
        var lambda = 0.20m / 1_000_000m + 2m * 10 * 0.0000166667m;

        var estimate = Estimate(endpoint.Stack, traffic);
        var comparison = Assert.Single(estimate.Accelerated).Comparison;

        // One instance ($537.57 a month) carries up to 10 × 2,628,000 / 3 = 8,760,000 predictions a month, and pays off
        // where Lambda reaches $537.57.
        var expected = (double)(0.7364m * 730 / lambda);
        Assert.Equal(lambda, comparison.LambdaPerPrediction);
        Assert.Equal(expected, comparison.PredictionsPerMonth!.Value, 3);
        Assert.Equal(expected / SecondsPerMonth, comparison.PredictionsPerSecond!.Value, 9);
        Assert.False(comparison.BackEndIsCheaper);
        Assert.Contains($"    pays off from {expected:N0} predictions a month ({expected / SecondsPerMonth:0.##} a second); Lambda is cheaper at this traffic",
            Printed(estimate), StringComparison.Ordinal);
    }

    [Fact]
    public void An_instance_that_costs_more_than_the_predictions_it_serves_never_pays_off()
    {
        var endpoint = GpuEndpoint("ml.g4dn.xlarge");
        ScalableTarget(endpoint, 1, 10);
        InvocationsPolicy(endpoint, 600);

        // Each instance-hour ($0.7364) serves 12,000 predictions at the busiest hour: $0.000061 each, above Lambda's $0.0000045.
        var comparison = Assert.Single(Estimate(endpoint.Stack, new TrafficProfile()).Accelerated).Comparison;

        Assert.Null(comparison.PredictionsPerMonth);
        Assert.Contains("up to its maximum of 10 instances (87,600,000 predictions a month)", comparison.Never, StringComparison.Ordinal);
    }

    [Fact]
    public void An_asynchronous_endpoint_that_scales_to_zero_bills_the_backlog_and_one_activation_per_instance_a_day()
    {
        var endpoint = GpuEndpoint("ml.g5.xlarge", async: true, notifications: true);
        ScalableTarget(endpoint, 0, 2);
        BacklogPolicy(endpoint, 500);
        var traffic = new TrafficProfile { BatchObjectsPerDay = 1000, GpuDurationMs = 5 };

        var estimate = Estimate(endpoint.Stack, traffic);
        var backEnd = Assert.Single(estimate.Accelerated);

        // 30,417 objects at 5 ms (0.04 hours), and 1,000 a day over a backlog of 500 per instance starts 2 instances a
        // day, each billed 20 minutes more.
        var items = 1000 * Days;
        var hours = items * 0.005 / 3600 + Days * 2 * 20 / 60;
        Assert.Equal(AcceleratedKind.Async, backEnd.Kind);
        Assert.Equal(hours, backEnd.InstanceHours, 9);
        Assert.Equal(hours * 1.408, (double)backEnd.ComputeMonthly, 9);
        Assert.Equal(items, Assert.Single(estimate.Lines, l => l.Service == "SNS").Quantity, 9);
        Assert.Equal(2 * items, Assert.Single(estimate.Lines, l => l.Service == "S3" && l.Item.StartsWith("PUT", StringComparison.Ordinal)).Quantity, 9);
        // Compute per prediction 1.408 × 0.005 / 3600 is below Lambda's: it pays off once Lambda's cost covers the 2
        // daily activations (the volume that needs them: 2 a day from 501 objects a day on).
        var perPrediction = 1.408m * (decimal)(0.005 / 3600);
        var expected = (double)(1.408m * (decimal)(Days * 2 * 20 / 60) / (DefaultLambdaPerPrediction - perPrediction));
        Assert.True(expected / Days > 500);
        Assert.Equal(expected, backEnd.Comparison.PredictionsPerMonth!.Value, 3);

        // At 200 ms a prediction ($0.000078 of GPU) it never catches up with Lambda's $0.0000045.
        var slow = Assert.Single(Estimate(endpoint.Stack, traffic with { GpuDurationMs = 200 }).Accelerated).Comparison;
        Assert.Null(slow.PredictionsPerMonth);
        Assert.Equal("a prediction costs $0.0000782 of compute here against $0.0000045 on Lambda", slow.Never);
    }

    [Fact]
    public void An_asynchronous_endpoint_with_a_minimum_above_zero_bills_its_instances_all_month()
    {
        var endpoint = GpuEndpoint("ml.g5.xlarge", async: true);
        ScalableTarget(endpoint, 1, 2);

        var backEnd = Assert.Single(Estimate(endpoint.Stack, new TrafficProfile()).Accelerated);

        Assert.Equal(730, backEnd.InstanceHours, 9);
        Assert.Equal(1.408m * 730, backEnd.ComputeMonthly);
        Assert.DoesNotContain(Estimate(endpoint.Stack, new TrafficProfile()).Lines, l => l.Service == "SNS");
    }

    [Fact]
    public void Batch_on_fargate_bills_the_jobs_vcpu_and_gb_hours_and_nothing_for_batch_itself()
    {
        var stack = BatchStack("FARGATE", """{"image":"repo/fn:1","resourceRequirements":[{"type":"VCPU","value":"2"},{"type":"MEMORY","value":"4096"}]}""");

        var estimate = Estimate(stack, new TrafficProfile { BatchObjectsPerDay = 1000 });
        var backEnd = Assert.Single(estimate.Accelerated);

        // 30,417 objects at 150 ms, two at a time on 2 vCPUs, plus 5 minutes a day to start and 1 for the day's one job; 2 vCPU and 4 GB an hour.
        var hours = 1000 * Days * 0.150 / 2 / 3600 + Days * (5 + 1) / 60;
        var perHour = 2 * 0.04048 + 4 * 0.004445;
        Assert.Equal(AcceleratedKind.BatchFargate, backEnd.Kind);
        Assert.Equal("2 vCPU / 4 GB x86_64", backEnd.InstanceType);
        Assert.Equal(hours, backEnd.InstanceHours, 9);
        Assert.Equal(hours * perHour, (double)backEnd.ComputeMonthly, 9);
        Assert.Equal(hours * perHour, (double)estimate.ServiceTotal("Fargate"), 9);
        Assert.DoesNotContain(estimate.Lines, l => l.Service.Contains("Batch", StringComparison.Ordinal));
    }

    [Fact]
    public void Fargate_spot_is_priced_at_the_stated_share_of_on_demand()
    {
        var stack = BatchStack("FARGATE_SPOT", """{"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"2048"}]}""");

        var backEnd = Assert.Single(Estimate(stack, new TrafficProfile { BatchObjectsPerDay = 1000 }).Accelerated);

        var hours = 1000 * Days * 0.150 / 3600 + Days * (5 + 1) / 60;
        Assert.True(backEnd.Spot);
        Assert.Equal(hours * (0.04048 + 2 * 0.004445) * 0.40, (double)backEnd.ComputeMonthly, 9);
    }

    [Fact]
    public void Batch_on_ec2_spot_gpus_bills_instance_hours_at_the_lower_of_the_assumed_share_and_the_bid()
    {
        const string job = """{"resourceRequirements":[{"type":"VCPU","value":"4"},{"type":"MEMORY","value":"15000"},{"type":"GPU","value":"1"}]}""";
        var traffic = new TrafficProfile { BatchObjectsPerDay = 1000, GpuDurationMs = 50 };
        var hours = 1000 * Days * 0.050 / 3600 + Days * (5 + 1) / 60;

        var assumed = Assert.Single(Estimate(BatchStack("SPOT", job, ["g4dn.xlarge"]), traffic).Accelerated);
        var capped = Assert.Single(Estimate(BatchStack("SPOT", job, ["g4dn.xlarge"], bidPercentage: 30), traffic).Accelerated);
        var onDemand = Assert.Single(Estimate(BatchStack("EC2", job, ["optimal", "g4dn.xlarge"]), traffic).Accelerated);

        Assert.Equal(AcceleratedKind.BatchEc2, assumed.Kind);
        Assert.Equal("g4dn.xlarge", assumed.InstanceType);
        Assert.Equal(hours, assumed.InstanceHours, 9);
        Assert.Equal(hours * 0.526 * 0.40, (double)assumed.ComputeMonthly, 9);
        Assert.Equal(hours * 0.526 * 0.30, (double)capped.ComputeMonthly, 9);
        Assert.Equal(hours * 0.526, (double)onDemand.ComputeMonthly, 9);
        // A GPU second costs 0.2104 / 3600 here, below Lambda's prediction: the daily start is what Lambda must catch up with.
        var perPrediction = 0.526m * 0.40m * (decimal)(0.050 / 3600);
        var expected = (double)(0.526m * 0.40m * (decimal)(Days * (5 + 1) / 60) / (DefaultLambdaPerPrediction - perPrediction));
        Assert.Equal(expected, assumed.Comparison.PredictionsPerMonth!.Value, 3);
    }

    [Fact]
    public void Jobs_submitted_per_object_by_eventbridge_each_bill_a_minute_to_start()
    {
        var stack = BatchStack("FARGATE", """{"resourceRequirements":[{"type":"VCPU","value":"1"},{"type":"MEMORY","value":"2048"}]}""", perObject: true);

        var backEnd = Assert.Single(Estimate(stack, new TrafficProfile { BatchObjectsPerDay = 1000 }).Accelerated);

        // 1,000 jobs a day, each 150 ms of work and a minute to start, and the day's first start of 5 minutes.
        var items = 1000 * Days;
        var hours = items * (0.150 / 3600 + 1.0 / 60) + Days * 5 / 60;
        var perHour = 0.04048 + 2 * 0.004445;
        Assert.Equal(hours, backEnd.InstanceHours, 9);
        Assert.Equal(hours * perHour, (double)backEnd.ComputeMonthly, 9);
        Assert.Contains("one job per object (1,000 a day, submitted by EventBridge)", backEnd.Sizing, StringComparison.Ordinal);
        // A job's minute costs more than a Lambda prediction: one job per object never pays off.
        Assert.Null(backEnd.Comparison.PredictionsPerMonth);
    }

    [Fact]
    public void An_instance_type_without_a_checked_price_is_reported_as_unpriced_not_guessed()
    {
        var endpoint = GpuEndpoint("ml.p5.48xlarge");

        var estimate = Estimate(endpoint.Stack, new TrafficProfile());

        Assert.Empty(estimate.Accelerated);
        Assert.DoesNotContain(estimate.Lines, l => l.Service == "SageMaker");
        Assert.Contains("gpu-config: instance type ml.p5.48xlarge has no checked price, so it is not priced", estimate.AcceleratedAssumptions);
        Assert.Contains("  - gpu-config: instance type ml.p5.48xlarge has no checked price, so it is not priced", Printed(estimate), StringComparison.Ordinal);
    }

    [Fact]
    public void The_preview_prints_each_back_end_with_its_capacity_sizing_and_comparison()
    {
        var endpoint = GpuEndpoint("ml.g6.xlarge");
        ScalableTarget(endpoint, 1, 2);

        var printed = Printed(Estimate(endpoint.Stack, new TrafficProfile()));

        Assert.Contains("GPU and batch compute against Lambda on CPU for the same predictions (when does GPU pay off?):", printed, StringComparison.Ordinal);
        Assert.Contains("  (stack) (gpu-config: SageMaker real-time, ml.g6.xlarge): $822.49 a month for 304,167 predictions (730 hours); Lambda on CPU $1.37", printed, StringComparison.Ordinal);
        Assert.Contains("    instances (UTC): Mon-Sun all day 1; 168 instance-hours a week", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stack_without_gpu_or_batch_compute_prints_no_gpu_section()
    {
        var stack = new Stack("proj", "dev");
        new RestInferenceApi(stack, "embed", new RestInferenceApiArgs
        {
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Function = new InferenceFunctionArgs { Code = new CodeDirectory("fn", "/nonexistent") },
            Api = new RestApiSettings { Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 1000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 10, BurstLimit = 20 }], Clients = [new ApiClient("acme", "standard")] },
        });

        var estimate = Estimate(stack, new TrafficProfile());

        Assert.Empty(estimate.Accelerated);
        Assert.Empty(estimate.AcceleratedAssumptions);
        Assert.DoesNotContain("GPU", Printed(estimate), StringComparison.Ordinal);
    }
}
