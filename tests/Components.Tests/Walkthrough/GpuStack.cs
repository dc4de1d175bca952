using Infra.Components;
using Infra.Core;
using Infra.Hosting;

public static class GpuStack
{
    // Program.cs: return Deployment.Run(args, GpuStack.Define);
    public static IDictionary<string, object?> Define(StackContext context)
    {
        var alerts = new AlarmNotifications(context.Stack, "alerts", new() { EmailAddresses = [context.Config.RequireSecret(context.Stack, "alarmEmail")] });
        var source = FunctionSource.Resolve(context.Layout).BuildContext;

        // The server mode (functions/Dockerfile.gpu: CUDA, dynamic batching) on SageMaker GPU instances, scaled on invocations.
        var image = new InferenceServerImage(context.Stack, "gpu-image", new InferenceServerImageArgs { BuildContext = source });
        var gpu = new GpuInferenceEndpoint(context.Stack, "gpu", new GpuInferenceEndpointArgs
        {
            Image = EndpointImage.From(image),
            InstanceType = "ml.g6.xlarge",
            MinInstances = 1,
            MaxInstances = 4,
            Notifications = alerts,
        });

        // The same API, keys, WAF and predictions log as every pattern; the Lambda container forwards to the endpoint.
        var api = new ContainerInferenceApi(context.Stack, "large", new ContainerInferenceApiArgs
        {
            BuildContext = source,
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = alerts,
            GpuBackend = new GpuBackendArgs { Endpoint = gpu },
            Api = new RestApiSettings
            {
                AccountLogging = new ApiGatewayAccountLogging(context.Stack, "apigateway-logging"),
                Tiers = [new UsagePlanTier { Name = "standard", QuotaLimit = 100_000, QuotaPeriod = QuotaPeriod.Month, RateLimit = 20, BurstLimit = 40 }],
                Clients = [new ApiClient("acme", "standard")],
            },
        });

        // Bulk work beyond Lambda's 15 minutes and 10 GB: each upload runs as an AWS Batch job of the front's image on Fargate Spot.
        var bulk = new BatchInference(context.Stack, "bulk", new BatchInferenceArgs
        {
            ModelName = "resnet18",
            ModelVersion = "0.23.1",
            Notifications = alerts,
            Function = new InferenceFunctionArgs(),
            Compute = new AwsBatchCompute
            {
                Image = api.Image.ImageUri,
                Capacity = AwsBatchCapacity.FargateSpot,
                Vcpus = 4,
                Memory = DataSize.FromMebibytes(8192),
                SubnetIds = context.Config.GetStringList("subnetIds").Select(id => (Input<string>)id).ToList(),
                SecurityGroupIds = context.Config.GetStringList("securityGroupIds").Select(id => (Input<string>)id).ToList(),
            },
        });

        return new Dictionary<string, object?> { ["url"] = api.Url, ["endpoint"] = gpu.EndpointName, ["uploads"] = bulk.Input.BucketName };
    }
}
