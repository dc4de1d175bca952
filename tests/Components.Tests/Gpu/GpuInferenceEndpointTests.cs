using Infra.Aws.AppAutoScaling;
using Infra.Aws.CloudWatch;
using Infra.Aws.Iam;
using Infra.Aws.SageMaker;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests.Gpu;

public sealed class GpuInferenceEndpointTests
{
    internal const string Repository = "arn:aws:ecr:us-east-1:123456789012:repository/models";
    internal const string ImageUri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/models@sha256:0000000000000000000000000000000000000000000000000000000000000000";

    internal static GpuInferenceEndpointArgs Args() => new() { Image = new EndpointImage(ImageUri, Repository) };

    private static (Stack Stack, GpuInferenceEndpoint Endpoint) Build(GpuInferenceEndpointArgs args)
    {
        var stack = new Stack("proj", "dev");
        return (stack, new GpuInferenceEndpoint(stack, "gpu", args));
    }

    private static StackTemplate Synth(GpuInferenceEndpointArgs args) => StackTemplate.FromStack(Build(args).Stack);

    [Fact]
    public void A_real_time_endpoint_runs_the_image_on_one_gpu_instance_with_the_cuda_provider()
    {
        var template = Synth(Args());

        template.ResourceOf<Model>("gpu-model").HasProperties(new
        {
            executionRoleArn = Match.ReferenceTo("gpu-role", "arn"),
            primaryContainer = new { image = ImageUri, mode = "SingleModel", environment = new { INFERENCE_EXECUTION_PROVIDER = "cuda" } },
        }).DependsOn("gpu-role-policy");
        template.ResourceOf<EndpointConfiguration>("gpu-config").HasProperties(new
        {
            productionVariants = new[]
            {
                new { variantName = "AllTraffic", modelName = Match.ReferenceTo("gpu-model", "name"), instanceType = "ml.g6.xlarge", initialInstanceCount = 1 },
            },
            // ml.g6 carries NVMe instance storage, for which CreateEndpointConfig refuses a KMS key.
            kmsKeyArn = Match.Absent(),
            asyncInferenceConfig = Match.Absent(),
        });
        template.ResourceOf<Endpoint>("gpu-endpoint").HasProperties(new { name = "proj-dev-gpu", endpointConfigName = Match.ReferenceTo("gpu-config", "name") });
        // The kit's simulator cannot evaluate an action that takes no resource: GetAuthorizationToken is allowed on "*" by itself.
        template.ResourceOf<RolePolicy>("gpu-role-policy").HasProperty(Match.ArrayWith(new { Sid = "RegistryToken", Action = new[] { "ecr:GetAuthorizationToken" }, Resource = "*" }),
            "policy", "fn::toJSON", "Statement");
        template.ResourceOf<Role>("gpu-role").HasProperty(Match.StringLike("sagemaker\\.amazonaws\\.com"), "assumeRolePolicy", "fn::toJSON", "Statement", 0, "Principal", "Service");
    }

    [Fact]
    public void An_instance_type_without_local_storage_encrypts_its_volume_with_the_components_key()
    {
        var template = Synth(Args() with { InstanceType = "ml.p3.2xlarge" });

        template.ResourceOf<EndpointConfiguration>("gpu-config").HasProperties(new { kmsKeyArn = Match.ReferenceTo("gpu-key", "arn") });
    }

    [Fact]
    public void The_environment_is_passed_and_may_choose_another_provider()
    {
        var template = Synth(Args() with { Environment = new Dictionary<string, Input<string>> { ["INFERENCE_EXECUTION_PROVIDER"] = "cpu", ["MAX_BATCH_SIZE"] = "16" } });

        template.ResourceOf<Model>("gpu-model").HasProperty(new Dictionary<string, object> { ["INFERENCE_EXECUTION_PROVIDER"] = "cpu", ["MAX_BATCH_SIZE"] = "16" },
            "primaryContainer", "environment");
    }

    public static TheoryData<string, GpuInferenceEndpointArgs, string> InvalidArgs() => new()
    {
        { "instance type", Args() with { InstanceType = "g6.xlarge" }, "component 'gpu': InstanceType = 'g6.xlarge' is invalid: expected a SageMaker instance type ml.<family>.<size>" },
        { "real-time at zero", Args() with { MinInstances = 0 }, "component 'gpu': MinInstances = 0 is invalid: expected at least 1 for a real-time endpoint" },
        { "max below min", Args() with { MinInstances = 3, MaxInstances = 2 }, "component 'gpu': MaxInstances = 2 is invalid: expected from MinInstances" },
        { "SageMaker's own variables", Args() with { Environment = new Dictionary<string, Input<string>> { ["SAGEMAKER_BIND_TO_PORT"] = "9000" } }, "component 'gpu': Environment = 'SAGEMAKER_BIND_TO_PORT' is invalid" },
        { "sampling", Args() with { DataCapture = new EndpointDataCaptureArgs { SamplingPercent = 0 } }, "component 'gpu': DataCapture.SamplingPercent = 0 is invalid: expected an integer from 1 to 100" },
        { "rollout shape", Args() with { Rollout = new GradualRolloutArgs() }, "component 'gpu': Rollout.StepsPercent = '5, 25, 50, 100' is invalid: expected a shape SageMaker can route" },
        { "rollout bake", Args() with { Rollout = new GradualRolloutArgs { StepsPercent = [100], Bake = TimeSpan.FromHours(2) } }, "component 'gpu': Rollout.Bake = " },
        { "schedule above max", Args() with { MaxInstances = 2, Schedule = new EndpointScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 5 } } },
            "component 'gpu': Schedule.Weekdays.PeakMinimum = 5 is invalid: expected from the floor (1) to the maximum (2)" },
        { "async prefixes", Args() with { Asynchronous = new AsyncInferenceArgs { OutputPrefix = "async/" } }, "component 'gpu': Asynchronous.OutputPrefix = 'async/' is invalid" },
        { "model key", Args() with { ModelData = new EndpointModelData { Bucket = null!, Key = "models/" } }, "component 'gpu': ModelData.Key = 'models/' is invalid" },
    };

    [Theory]
    [MemberData(nameof(InvalidArgs))]
    public void Invalid_args_name_the_component_and_the_key_and_emit_nothing(string what, GpuInferenceEndpointArgs args, string expected)
    {
        var stack = new Stack("proj", "dev");

        var error = Assert.Throws<SynthesisException>(() => new GpuInferenceEndpoint(stack, "gpu", args));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Empty(stack.Resources);
    }

    [Fact]
    public void Real_time_scaling_tracks_invocations_per_instance_between_min_and_max()
    {
        var template = Synth(Args() with { MinInstances = 1, MaxInstances = 4, TargetInvocationsPerInstance = 300 });

        template.ResourceOf<Target>("gpu-scaling-target").HasProperties(new
        {
            serviceNamespace = "sagemaker",
            scalableDimension = "sagemaker:variant:DesiredInstanceCount",
            resourceId = "endpoint/${gpu-endpoint.name}/variant/AllTraffic",
            minCapacity = 1,
            maxCapacity = 4,
            roleArn = Match.Absent(),
        }).IgnoresChanges("minCapacity", "maxCapacity");
        template.HasResourceProperties<Policy>(new
        {
            policyType = "TargetTrackingScaling",
            targetTrackingScalingPolicyConfiguration = new { targetValue = 300, predefinedMetricSpecification = new { predefinedMetricType = "SageMakerVariantInvocationsPerInstance" } },
        });
        template.ResourceCountIs<Policy>(1);
    }

    public static TheoryData<string, int, int, EndpointScheduleArgs> Schedules() => new()
    {
        { "weekday peak", 1, 6, new EndpointScheduleArgs { Weekdays = new DailyProfile { PeakStartHour = 8, PeakEndHour = 18, PeakMinimum = 4, ScaleDownSteps = 3 } } },
        { "weekends in Berlin", 2, 8, new EndpointScheduleArgs
            {
                TimeZone = "Europe/Berlin",
                Weekdays = new DailyProfile { PeakStartHour = 7, PeakEndHour = 20, PeakMinimum = 8, ScaleDownSteps = 2, StepInterval = TimeSpan.FromHours(2) },
                Weekends = new DailyProfile { PeakStartHour = 10, PeakEndHour = 16, PeakMinimum = 3, ScaleDownSteps = 1 },
            } },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Every_scheduled_scale_out_is_followed_by_a_scale_in_to_the_minimum(string what, int min, int max, EndpointScheduleArgs schedule)
    {
        var template = Synth(Args() with { MinInstances = min, MaxInstances = max, Schedule = schedule });
        var scaling = ScheduledScalingTests.Emitted(template, "gpu-scaling-target");
        Assert.True(scaling.TargetTracking);
        Assert.NotEmpty(scaling.Actions);

        // Application Auto Scaling's rule, hour by hour, with the tracking policy asking for nothing (no load).
        var week = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, _ => 0);

        var expected = ProvisionedConcurrencySchedule.WeeklyMinimums(min, schedule.Weekdays, schedule.Weekends);
        Assert.True(week.SequenceEqual(expected), $"{what}: simulated {string.Join(",", week)}");
        // Every day ends at the minimum: no peak is kept overnight.
        Assert.All(Enumerable.Range(0, 7), day => Assert.Equal(min, week[day * 24 + 23]));
        Assert.Contains(week, capacity => capacity > min);
        // Each action sets both limits, and the maximum stays the policy's.
        Assert.All(scaling.Actions, a => Assert.True(a.MinCapacity is not null && a.MaxCapacity == max, a.ToString()));
    }

    [Fact]
    public void Under_load_capacity_stays_within_the_scheduled_range()
    {
        var schedule = new EndpointScheduleArgs { Weekdays = new DailyProfile { PeakMinimum = 3, ScaleDownSteps = 1 } };
        var scaling = ScheduledScalingTests.Emitted(Synth(Args() with { MinInstances = 1, MaxInstances = 5, Schedule = schedule }), "gpu-scaling-target");

        var week = ScheduledScalingModel.SteadyWeek(scaling.Registered, scaling.Actions, _ => 100);

        Assert.All(week, capacity => Assert.Equal(5, capacity));
    }

    [Fact]
    public void An_asynchronous_endpoint_writes_results_to_its_encrypted_bucket_notifies_encrypted_topics_and_scales_from_zero()
    {
        var template = Synth(Args() with { MinInstances = 0, MaxInstances = 3, Asynchronous = new AsyncInferenceArgs { MaxConcurrentInvocationsPerInstance = 2 } });

        template.ResourceOf<EndpointConfiguration>("gpu-config").HasProperties(new
        {
            productionVariants = new[] { Match.ObjectLike(new { initialInstanceCount = 1 }) },
            asyncInferenceConfig = new
            {
                clientConfig = new { maxConcurrentInvocationsPerInstance = 2 },
                outputConfig = new
                {
                    s3OutputPath = "s3://${gpu-async-bucket.bucket}/async/output",
                    s3FailurePath = "s3://${gpu-async-bucket.bucket}/async/failures",
                    kmsKeyId = Match.ReferenceTo("gpu-async-key", "arn"),
                    notificationConfig = new { successTopic = Match.ReferenceTo("gpu-success-topic", "arn"), errorTopic = Match.ReferenceTo("gpu-error-topic", "arn") },
                },
            },
        });
        template.ResourceOf<Infra.Aws.Sns.Topic>("gpu-success-topic").HasProperties(new { kmsMasterKeyId = Match.ReferenceTo("gpu-key", "arn") });
        template.ResourceOf<Infra.Aws.Sns.Topic>("gpu-error-topic").HasProperties(new { kmsMasterKeyId = Match.ReferenceTo("gpu-key", "arn") });
        template.ResourceOf<Target>("gpu-scaling-target").HasProperties(new { minCapacity = 0, maxCapacity = 3 });
        template.ResourceOf<Policy>("gpu-scaling-tracking").HasProperties(new
        {
            targetTrackingScalingPolicyConfiguration = new
            {
                targetValue = 5,
                customizedMetricSpecification = new
                {
                    @namespace = "AWS/SageMaker",
                    metricName = "ApproximateBacklogSizePerInstance",
                    statistic = "Average",
                    dimensions = new[] { new { name = "EndpointName", value = "${gpu-endpoint.name}" } },
                },
            },
        });
        template.ResourceOf<Policy>("gpu-scaling-from-zero").HasProperties(new
        {
            policyType = "StepScaling",
            stepScalingPolicyConfiguration = new { adjustmentType = "ChangeInCapacity", stepAdjustments = new[] { new { metricIntervalLowerBound = "0", scalingAdjustment = 1 } } },
        });
        template.ResourceOf<MetricAlarm>("gpu-backlog-without-capacity").HasProperties(new
        {
            @namespace = "AWS/SageMaker",
            metricName = "HasBacklogWithoutCapacity",
            dimensions = new { EndpointName = "${gpu-endpoint.name}" },
            threshold = 1,
            comparisonOperator = "GreaterThanOrEqualToThreshold",
            alarmActions = new[] { "${gpu-scaling-from-zero.arn}" },
        });
        // An asynchronous endpoint publishes no InvocationModelErrors: no alarm waits on it.
        Assert.Null(template.Resources.FirstOrDefault(r => r.LogicalName == "gpu-model-errors"));
    }

    [Fact]
    public void An_asynchronous_endpoint_with_instances_always_running_needs_no_policy_to_start_from_zero()
    {
        var template = Synth(Args() with { MinInstances = 1, Asynchronous = new AsyncInferenceArgs() });

        template.ResourceCountIs<Policy>(1);
        Assert.Null(template.Resources.FirstOrDefault(r => r.LogicalName == "gpu-backlog-without-capacity"));
    }

    [Fact]
    public void Data_capture_goes_to_a_kms_encrypted_bucket_at_the_sampling_rate()
    {
        var template = Synth(Args() with { DataCapture = new EndpointDataCaptureArgs { SamplingPercent = 25, CaptureOutput = false } });

        template.ResourceOf<EndpointConfiguration>("gpu-config").HasProperties(new
        {
            dataCaptureConfig = new
            {
                enableCapture = true,
                initialSamplingPercentage = 25,
                destinationS3Uri = "s3://${gpu-captures-bucket.bucket}/data-capture",
                kmsKeyId = Match.ReferenceTo("gpu-captures-key", "arn"),
                captureOptions = new[] { new { captureMode = "Input" } },
            },
        });
    }

    public static TheoryData<int[], object> RolloutShapes() => new()
    {
        { [100], new { type = "ALL_AT_ONCE", waitIntervalInSeconds = 600 } },
        { [10, 100], new { type = "CANARY", waitIntervalInSeconds = 600, canarySize = new { type = "CAPACITY_PERCENT", value = 10 } } },
        { [25, 50, 75, 100], new { type = "LINEAR", waitIntervalInSeconds = 600, linearStepSize = new { type = "CAPACITY_PERCENT", value = 25 } } },
        { [30, 60, 90, 100], new { type = "LINEAR", waitIntervalInSeconds = 600, linearStepSize = new { type = "CAPACITY_PERCENT", value = 30 } } },
    };

    [Theory]
    [MemberData(nameof(RolloutShapes))]
    public void A_rollout_becomes_a_blue_green_deployment_that_rolls_back_on_the_error_and_latency_alarms(int[] steps, object routing)
    {
        var template = Synth(Args() with { Rollout = new GradualRolloutArgs { StepsPercent = steps, Bake = TimeSpan.FromMinutes(10), AdditionalAlarmNames = ["kpi-alarm"] } });

        template.ResourceOf<Endpoint>("gpu-endpoint").HasProperties(new
        {
            deploymentConfig = new
            {
                blueGreenUpdatePolicy = new { terminationWaitInSeconds = 600, trafficRoutingConfiguration = Match.Exact(routing) },
                autoRollbackConfiguration = new
                {
                    alarms = new[]
                    {
                        new { alarmName = "${gpu-invocation-5xx-rate.name}" },
                        new { alarmName = "${gpu-model-errors.name}" },
                        new { alarmName = "${gpu-model-latency.name}" },
                        new { alarmName = "kpi-alarm" },
                    },
                },
            },
        });
    }

    [Fact]
    public void Alarms_watch_5xx_model_errors_latency_and_utilization_per_gpu_and_vcpu()
    {
        var template = Synth(Args() with { InstanceType = "ml.g6.12xlarge", GpusPerInstance = 4 });
        var dimensions = new { EndpointName = "proj-dev-gpu", VariantName = "AllTraffic" };

        template.ResourceOf<MetricAlarm>("gpu-invocation-5xx-rate").HasProperties(new { @namespace = "AWS/SageMaker", metricName = "Invocation5XXErrors", statistic = "Average", threshold = 0.01, dimensions });
        template.ResourceOf<MetricAlarm>("gpu-model-errors").HasProperties(new { @namespace = "AWS/SageMaker", metricName = "InvocationModelErrors", statistic = "Sum", threshold = 0, dimensions });
        template.ResourceOf<MetricAlarm>("gpu-model-latency").HasProperties(new { metricName = "ModelLatency", threshold = 1_000_000, dimensions });
        template.ResourceOf<MetricAlarm>("gpu-gpu-utilization").HasProperties(new { @namespace = "/aws/sagemaker/Endpoints", metricName = "GPUUtilization", threshold = 360, dimensions });
        template.ResourceOf<MetricAlarm>("gpu-cpu-utilization").HasProperties(new { @namespace = "/aws/sagemaker/Endpoints", metricName = "CPUUtilization", threshold = 90 * 48, dimensions });
        Assert.All(new[] { "gpu-invocation-5xx-rate", "gpu-model-errors", "gpu-model-latency", "gpu-gpu-utilization", "gpu-cpu-utilization" },
            name => template.ResourceOf<MetricAlarm>(name).HasProperties(new { alarmActions = new[] { "${gpu-notifications-topic.arn}" } }));
    }

    [Fact]
    public void The_policy_pack_that_synth_enforces_finds_no_error_in_either_mode()
    {
        Synth(Args() with { DataCapture = new EndpointDataCaptureArgs(), Rollout = new GradualRolloutArgs { StepsPercent = [100] } }).Policies().HaveNoErrors();
        Synth(Args() with { MinInstances = 0, Asynchronous = new AsyncInferenceArgs() }).Policies().HaveNoErrors();
    }

    [Fact]
    public void Invoke_grants_name_the_grantee_and_are_made_once_per_grantee()
    {
        var (stack, endpoint) = Build(Args());
        var front = new Role(stack, "front", new RoleArgs { AssumeRolePolicy = "{}" });

        var first = endpoint.GrantInvoke(new RoleGrantee(front));
        var again = endpoint.GrantInvoke(new RoleGrantee(front));
        endpoint.GrantInvokeAsync(new RoleGrantee(front));

        Assert.Same(first, again);
        var template = StackTemplate.FromStack(stack);
        template.ResourceOf<RolePolicy>("gpu-grant-invoke-front").HasProperty(
            Match.ObjectLike(new { Action = new[] { "sagemaker:InvokeEndpoint" }, Resource = "${gpu-endpoint.arn}" }), "policy", "fn::toJSON", "Statement", 0);
        template.ResourceOf<RolePolicy>("gpu-grant-invoke-async-front").HasProperty(
            Match.ObjectLike(new { Action = new[] { "sagemaker:InvokeEndpointAsync" }, Resource = "${gpu-endpoint.arn}" }), "policy", "fn::toJSON", "Statement", 0);
    }
}
