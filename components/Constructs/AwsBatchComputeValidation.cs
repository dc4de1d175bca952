namespace Infra.Components;

/// <summary>The rules AWS Batch and Fargate set for <see cref="AwsBatchCompute"/>, checked before any resource is made.</summary>
internal static class AwsBatchComputeValidation
{
    /// <summary>Fargate's vCPU sizes, each with the memory range it allows in MiB (Batch's Fargate resource requirements).</summary>
    private static readonly IReadOnlyDictionary<double, (long Min, long Max)> FargateMemory = new Dictionary<double, (long, long)>
    {
        [0.25] = (512, 2048),
        [0.5] = (1024, 4096),
        [1] = (2048, 8192),
        [2] = (4096, 16384),
        [4] = (8192, 30720),
        [8] = (16384, 61440),
        [16] = (32768, 122880),
    };

    /// <summary>EC2 instance families with NVIDIA GPUs that the ECS GPU AMI supports.</summary>
    private static readonly IReadOnlySet<string> GpuFamilies = new HashSet<string>(StringComparer.Ordinal)
    {
        "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "g4dn", "g5", "g6", "g6e", "gr6",
    };

    public static ArgsValidation AwsBatch(this ArgsValidation check, BatchInferenceArgs args)
    {
        if (args.Compute is not AwsBatchCompute compute)
        {
            return check;
        }

        var fargate = compute.Capacity is AwsBatchCapacity.Fargate or AwsBatchCapacity.FargateSpot;
        check.Check(args.Rollout is null, nameof(args.Rollout), "set", "none with AWS Batch compute: a job runs the image it names, there is no function version to roll out")
            .Check(args.Function.ModelBucket is null, "Function.ModelBucket", "set", "none with AWS Batch compute: the job runs the model bundled in Compute.Image")
            .Range("Compute.MaxVcpus", compute.MaxVcpus, 1, 10_000)
            .Range("Compute.JobAttempts", compute.JobAttempts, 1, 10)
            .Duration("Compute.JobTimeout", compute.JobTimeout, TimeUnit.Seconds, 60, 1_209_600)
            .DurationOneOf("Compute.LogRetention", compute.LogRetention, TimeUnit.Days, InferenceFunction.AllowedRetentionDays)
            .Check(compute.SubnetIds.Count > 0, "Compute.SubnetIds", "[]", "at least one subnet for the jobs (the compute environment's VPC)")
            .Check(compute.SecurityGroupIds.Count > 0, "Compute.SecurityGroupIds", "[]", "at least one security group for the jobs")
            .Check(compute.Vcpus > 0 && compute.Vcpus <= compute.MaxVcpus, "Compute.Vcpus", compute.Vcpus, $"more than 0 and at most Compute.MaxVcpus ({compute.MaxVcpus}), or no job could ever start");
        if (fargate)
        {
            check.Check(compute.InstanceTypes.Count == 0, "Compute.InstanceTypes", string.Join(", ", compute.InstanceTypes), $"none on {compute.Capacity}: Fargate chooses its own hosts (use Ec2 or Ec2Spot for instance types)")
                .Check(compute.Gpus == 0, "Compute.Gpus", compute.Gpus, $"0 on {compute.Capacity}: Fargate has no GPUs (use Ec2 or Ec2Spot with GPU instance types)")
                .Check(FargateMemory.ContainsKey(compute.Vcpus), "Compute.Vcpus", compute.Vcpus, "one of Fargate's sizes: 0.25, 0.5, 1, 2, 4, 8 or 16");
            if (FargateMemory.TryGetValue(compute.Vcpus, out var memory))
            {
                check.Mebibytes("Compute.Memory", compute.Memory, memory.Min, memory.Max);
            }

            return check;
        }

        check.Check(compute.InstanceTypes.Count > 0, "Compute.InstanceTypes", "[]", $"at least one EC2 instance type on {compute.Capacity}, e.g. g6.xlarge")
            .Range("Compute.Gpus", compute.Gpus, 0, 8)
            .Check(compute.Memory.Mebibytes >= 512, "Compute.Memory", compute.Memory, "at least 512 MiB");
        var notGpu = compute.InstanceTypes.Where(type => !GpuFamilies.Contains(type.Split('.')[0])).ToList();
        return check.Check(compute.Gpus == 0 || notGpu.Count == 0, "Compute.InstanceTypes", string.Join(", ", notGpu),
            $"only GPU instance types when Compute.Gpus is {compute.Gpus} (families {string.Join(", ", GpuFamilies.Order(StringComparer.Ordinal))})");
    }
}
