using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Http.Headers;
using Inference.Caching;
using Inference.Service;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// Load through <c>serve</c> (HTTP on loopback → local gateway → function processes) against the
/// bare ONNX Runtime capacity of the same machine: as many ResNet18 sessions as serve has
/// instances, with the functions' intra-op thread count, each running back to back.
/// </summary>
internal static class ServeLoadBenchmark
{
    public sealed record Result(int Requests, int Errors, int ColdStarts, double P50, double P95, double P99, double PerSecond);

    /// <summary>Sends <paramref name="requests"/> /predict requests with <paramref name="concurrency"/> in flight.</summary>
    public static async Task<Result> ThroughServeAsync(Uri predictUrl, string apiKey, byte[] photo, int requests, int concurrency, TextWriter progress)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromMinutes(2) };
        var latencies = new double[requests];
        var errors = 0;
        var coldStarts = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, predictUrl) { Content = new ByteArrayContent(Distinct(photo, index)) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                request.Headers.Add("x-api-key", apiKey);
                var start = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                    await progress.WriteLineAsync($"request {index}: HTTP {(int)response.StatusCode}");
                }

                if (response.Headers.TryGetValues("X-Local-Cold-Start", out var cold) && cold.Single() == "true")
                {
                    Interlocked.Increment(ref coldStarts);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        return new Result(requests, errors, coldStarts, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99), requests / seconds);
    }

    /// <summary>Bare <c>InferenceSession.Run</c>s of ResNet18: one session per instance, <paramref name="runs"/> in all.</summary>
    public static async Task<Result> BareAsync(int runs, int instances, int threads)
    {
        var services = new List<ModelService>();
        for (var i = 0; i < instances; i++)
        {
            services.Add(await InferenceServiceFactory.CreateAsync(new InferenceOptions
            {
                ModelDirectory = Path.Combine(AppContext.BaseDirectory, "models"),
                ModelName = "resnet18",
                IntraOpThreads = threads,
                EagerLoading = true,
                Cache = new PredictionCacheOptions { MaxEntries = 0 },
            }, TextWriter.Null));
        }

        try
        {
            var latencies = new double[runs];
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(services.Select(service => Task.Run(async () =>
            {
                var model = await service.Models.GetAsync("resnet18", CancellationToken.None);
                var input = model.Definition.Inputs[0];
                var data = Events.Tensor((int)input.Shape.Aggregate(1L, (a, b) => a * b), seed: 7);
                using var tensor = OrtValue.CreateTensorValueFromMemory(data, input.Shape);
                using var options = new RunOptions();
                int index;
                while ((index = Interlocked.Increment(ref next)) < runs)
                {
                    var start = Stopwatch.GetTimestamp();
                    using var outputs = model.Session.Run(options, [input.Name], [tensor], [model.Definition.Outputs[0].Name]);
                    latencies[index] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            return new Result(runs, 0, 0, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 95), Stats.Percentile(latencies, 99), runs / seconds);
        }
        finally
        {
            services.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// The photo with a JPEG comment segment (FF FE) holding the request's number right after the
    /// start marker: the same pixels, but distinct bytes, so that the function's prediction cache
    /// misses and every request runs the model.
    /// </summary>
    private static byte[] Distinct(byte[] jpeg, int number)
    {
        var result = new byte[jpeg.Length + 8];
        jpeg.AsSpan(0, 2).CopyTo(result);
        result[2] = 0xFF;
        result[3] = 0xFE;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(4), 6);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(6), number);
        jpeg.AsSpan(2).CopyTo(result.AsSpan(10));
        return result;
    }
}
