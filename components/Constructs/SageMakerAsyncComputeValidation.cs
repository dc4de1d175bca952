namespace Infra.Components;

/// <summary>The rules for <see cref="SageMakerAsyncCompute"/>, checked before any resource is made.</summary>
internal static class SageMakerAsyncComputeValidation
{
    public static ArgsValidation SageMakerAsync(this ArgsValidation check, BatchInferenceArgs args)
    {
        if (args.Compute is not SageMakerAsyncCompute compute)
        {
            return check;
        }

        return check.Check(compute.Endpoint is not null, "Compute.Endpoint", "null", "a GpuInferenceEndpoint with Asynchronous set")
            .Check(compute.Endpoint?.Settings.Asynchronous is not null, "Compute.Endpoint", compute.Endpoint?.Path ?? "null",
                "a GpuInferenceEndpoint with Asynchronous set (a real-time endpoint has no S3 input, output or notification topics)")
            .Check(args.Rollout is null, nameof(args.Rollout), "set",
                "none with SageMaker asynchronous compute: the model runs on the endpoint, whose own Rollout moves new models")
            .Check(args.Function.ModelBucket is null, "Function.ModelBucket", "set",
                "none with SageMaker asynchronous compute: the function only forwards and collects, the endpoint serves the model");
    }
}
