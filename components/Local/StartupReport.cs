using System.Globalization;
using Infra.Components;
using Infra.Local.StackReading;

namespace Infra.Local;

/// <summary>What serve prints once it is ready: each API's URL, keys and limits, each function's settings, and a curl to paste.</summary>
public static class StartupReport
{
    public static void Write(TextWriter output, LocalServe serve, ServeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(serve);
        ArgumentNullException.ThrowIfNull(settings);
        var root = serve.Front.BaseAddress.ToString().TrimEnd('/');
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"serve: stack '{serve.Stack.StackName}', {serve.Stack.Apis.Count} API(s) on {root} (try-it page: {root}/)"));
        foreach (var api in serve.Stack.Apis)
        {
            output.WriteLine();
            output.WriteLine($"  {api.Path} ({api.Pattern}, model {api.ModelName})");
            output.WriteLine($"    URL        {root}{api.BasePath}   routes: {string.Join(", ", api.Routes.Select(r => $"{r.HttpMethod} {r.Path}"))}");
            foreach (var client in api.Clients)
            {
                var tier = client.Tier;
                output.WriteLine(string.Create(c, $"    API key    {serve.Keys[api.Path][client.Name]}  (client {client.Name}, usage plan {tier.Name}: {tier.RateLimit} req/s, burst {tier.BurstLimit}, {tier.QuotaLimit} per {tier.QuotaPeriod})"));
            }

            if (api.Auth != RestApiAuth.ApiKey)
            {
                output.WriteLine($"    auth       {api.Auth} is not verified locally: requests pass without a signature or token");
            }

            var waf = api.Waf;
            var allowlist = waf.Allowlist is { } allowed ? $"allowlist {string.Join(", ", allowed)}" : "no allowlist";
            output.WriteLine(string.Create(c, $"    limits     stage {api.StageRateLimit} req/s, burst {api.StageBurstLimit}; WAF {waf.RateLimitPerIp} requests per {waf.RateLimitWindowSeconds} s per IP, bodies up to {waf.MaxBodyBytes} bytes, {allowlist}"));
            if (api.Pattern == "ml:ContainerInferenceApi")
            {
                output.WriteLine("    container  no Docker here: the same published function runs as a local process instead of the image");
            }

            foreach (var function in api.Functions)
            {
                var pool = serve.Pools[function.Path];
                var warm = function.ProvisionedConcurrency > 0
                    ? $"{Math.Min(function.ProvisionedConcurrency, pool.Capacity)} provisioned (initialized now)"
                    : "no provisioned concurrency: the first request is a cold start";
                var which = api.RouteFunctions.Count == 0 ? "" : $" {function.Path}:";
                output.WriteLine(string.Create(c, $"    function  {which} {function.MemoryMb} MB, timeout {function.TimeoutSeconds} s, reserved concurrency {function.ReservedConcurrency?.ToString(c) ?? "none"}, up to {pool.Capacity} local instance(s), {warm}, idle instances stop after {settings.IdleTimeout.TotalSeconds:0} s"));
                output.WriteLine($"    env        {(function.Environment.Count == 0 ? "(none)" : string.Join(", ", function.Environment.Keys))}");
                foreach (var dropped in function.DroppedVariables)
                {
                    output.WriteLine($"    left out   {dropped.Name}: {dropped.Reason}");
                }
            }
        }

        foreach (var server in serve.GpuServers)
        {
            var endpoint = server.Endpoint;
            output.WriteLine();
            output.WriteLine($"  {endpoint.Path} (ml:GpuInferenceEndpoint)");
            output.WriteLine($"    server     the server mode at {server.Address} (GET /ping answered 200), as endpoint {endpoint.EndpointName} behind the local SageMaker runtime at {Gpu.LocalSageMakerRuntime.UrlOf(serve.Stack.GpuRuntimePort)}");
            output.WriteLine($"    provider   {Gpu.LocalGpuServer.LocalProvider} (INFERENCE_EXECUTION_PROVIDER={Gpu.LocalGpuServer.LocalProvider} locally, whatever the endpoint sets: no GPU here)");
            output.WriteLine($"    env        {string.Join(", ", endpoint.Environment.Keys)}");
            foreach (var dropped in endpoint.DroppedVariables)
            {
                output.WriteLine($"    left out   {dropped.Name}: {dropped.Reason}");
            }
        }

        foreach (var batch in serve.Stack.Batches)
        {
            output.WriteLine();
            output.WriteLine($"  {batch.Batch.Path} (ml:BatchInference)");
            output.WriteLine($"    batch      {batch.Batch.Describe}");
            var pipeline = batch.Batch.Settings;
            output.WriteLine(string.Create(c, $"    pipeline   batches of up to {pipeline.BatchSize}, window {pipeline.BatchingWindow.TotalSeconds:0.#} s, {pipeline.MaxReceiveCount} deliveries before the dead-letter folder"));
            if (batch.RunsAsJobs)
            {
                output.WriteLine(string.Create(c, $"    compute    AWS Batch, run locally: one process of the function's batch-job mode per input (--batch-job s3://{batch.Batch.Objects.InputBucket}/<key>), job timeout {batch.Function.TimeoutSeconds} s"));
            }

            output.WriteLine($"    env        {string.Join(", ", batch.Function.Environment.Keys)}");
            foreach (var dropped in batch.Function.DroppedVariables)
            {
                output.WriteLine($"    left out   {dropped.Name}: {dropped.Reason}");
            }
        }

        if (serve.Stack.Apis.FirstOrDefault() is { } first)
        {
            output.WriteLine();
            output.WriteLine("Embed the sample photo (a real JPEG, also at /sample.jpg):");
            var key = first.Clients.Count > 0 ? $" -H 'x-api-key: {serve.Keys[first.Path][first.Clients[0].Name]}'" : "";
            output.WriteLine($"  curl -s {root}/sample.jpg | curl -s{key} -H 'Content-Type: image/jpeg' --data-binary @- {root}{first.BasePath}/v2/models/{first.ModelName}/predict");
        }

        output.WriteLine();
        output.WriteLine(settings.MeasurementsPath is null
            ? "Ctrl+C stops serve."
            : string.Create(c, $"Durations and memory per function go to {settings.MeasurementsPath} every {settings.MeasurementsPeriod.TotalSeconds:0} s and at exit. Ctrl+C stops serve."));
    }
}
