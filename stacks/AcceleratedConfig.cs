using Infra.Components;
using Infra.Configuration;
using Infra.Core;

namespace Stacks;

/// <summary>
/// The team stacks' keys for the back ends beyond Lambda's CPUs (docs/gpu.md). <c>gpuEndpoint</c> (true: the server-mode
/// image on a SageMaker GPU endpoint, fronted by its own container API: <c>gpuInstanceType</c>, <c>gpuMinInstances</c>,
/// <c>gpuMaxInstances</c>). <c>batchCompute</c> (<c>lambda</c>, or <c>awsBatch</c> for inputs beyond Lambda's 15 minutes
/// and 10 GB: <c>batchCapacity</c>, <c>batchMaxVcpus</c>, and the VPC's <c>batchSubnetIds</c> and
/// <c>batchSecurityGroupIds</c>, which AWS Batch needs).
/// </summary>
internal static class AcceleratedConfig
{
    private static readonly string[] Capacities = ["fargate", "fargateSpot", "ec2", "ec2Spot"];

    public static bool WantsGpuEndpoint(StackConfig config) => config.GetBoolean("gpuEndpoint", false);

    public static GpuInferenceEndpointArgs EndpointArgs(StackConfig config, EndpointImage image, AlarmNotifications alerts, GradualRolloutArgs? rollout, bool production)
    {
        var minimum = config.GetInt32("gpuMinInstances", 1, 1, 100);
        return new GpuInferenceEndpointArgs
        {
            Image = image,
            InstanceType = config.GetString("gpuInstanceType", GpuInferenceEndpointArgs.DefaultInstanceType),
            MinInstances = minimum,
            MaxInstances = config.GetInt32("gpuMaxInstances", Math.Max(minimum, production ? 4 : 1), 1, 100),
            Notifications = alerts,
            // SageMaker's blue/green routes a canary or linear steps, not the functions' 5/25/50/100: a 10 % canary, baked as long.
            Rollout = rollout is null ? null : new GradualRolloutArgs { StepsPercent = [10, 100], Bake = rollout.Bake },
        };
    }

    /// <summary>Where BatchInference runs its model; the AWS Batch job runs <paramref name="image"/> (the function's container image) in batch-job mode.</summary>
    public static BatchCompute? BatchCompute(StackConfig config, Input<string> image)
    {
        if (config.GetChoice("batchCompute", "lambda", "lambda", "awsBatch") == "lambda")
        {
            return null;
        }

        var subnets = config.GetStringList("batchSubnetIds");
        var securityGroups = config.GetStringList("batchSecurityGroupIds");
        if (subnets.Count == 0)
        {
            config.AddProblem("batchSubnetIds", "(unset)", "the subnets AWS Batch starts jobs in, e.g. [\"subnet-0123456789abcdef0\"]: batchCompute awsBatch needs a VPC");
        }

        if (securityGroups.Count == 0)
        {
            config.AddProblem("batchSecurityGroupIds", "(unset)", "the jobs' security groups, e.g. [\"sg-0123456789abcdef0\"]: batchCompute awsBatch needs a VPC");
        }

        var capacity = config.GetChoice("batchCapacity", "fargateSpot", Capacities) switch
        {
            "fargate" => AwsBatchCapacity.Fargate,
            "ec2" => AwsBatchCapacity.Ec2,
            "ec2Spot" => AwsBatchCapacity.Ec2Spot,
            _ => AwsBatchCapacity.FargateSpot,
        };
        return new AwsBatchCompute
        {
            Image = image,
            Capacity = capacity,
            InstanceTypes = capacity is AwsBatchCapacity.Ec2 or AwsBatchCapacity.Ec2Spot ? ["c7i.xlarge"] : [],
            MaxVcpus = config.GetInt32("batchMaxVcpus", 16, 1, 10_000),
            SubnetIds = [.. subnets.Select(s => (Input<string>)s)],
            SecurityGroupIds = [.. securityGroups.Select(s => (Input<string>)s)],
        };
    }
}
