using System.Diagnostics;
using Inference.Service;
using Inference.Variants;
using InferenceFunction.Events;
using InferenceFunction.Runtime;
using LambdaEmulator;

namespace Benchmarks;

/// <summary>
/// What shadow mode costs the client: ResNet18 /predict through the real Runtime API loop and emulator, in three
/// functions side by side, interleaved request by request: no split (baseline), a split with shadow 0 %, and a split
/// with every request shadowed by a second ResNet18 variant. "Answer" is enqueue → response posted (what the caller
/// waits for); "busy" is enqueue → the loop is back at GET next (what Lambda bills and keeps the environment for).
/// Each request starts only when its function is idle again, as Lambda would send it to a free environment.
/// </summary>
internal static class ShadowBenchmark
{
    public sealed record Result(string Name, double AnswerP50, double AnswerP95, double BusyP50, double ShadowLines);

    public static async Task<IReadOnlyList<Result>> RunAsync(int rounds, int threads, TextWriter progress)
    {
        var models = Path.Combine(AppContext.BaseDirectory, "models");
        var candidate = Path.Combine(Path.GetTempPath(), $"shadow-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(candidate);
        foreach (var file in Directory.GetFiles(Path.Combine(models, "resnet18")))
        {
            File.Copy(file, Path.Combine(candidate, Path.GetFileName(file)));
        }

        var split = $$$"""{"variants":[{"name":"a","weight":100},{"name":"b","weight":0,"modelDir":"{{{candidate}}}"}],"shadow":{"variant":"b","percent":PERCENT}}""";
        var configurations = new (string Name, string? Split)[]
        {
            ("no split (baseline)", null),
            ("split, shadow 0 %", split.Replace("PERCENT", "0", StringComparison.Ordinal)),
            ("split, shadow 100 %", split.Replace("PERCENT", "100", StringComparison.Ordinal)),
        };
        var functions = new List<Function>();
        try
        {
            foreach (var (name, value) in configurations)
            {
                functions.Add(await Function.StartAsync(name, value, models, threads));
            }

            var payload = Events.PredictEvent("resnet18", Events.Jpeg(224, 224), "image/jpeg");
            for (var round = -5; round < rounds; round++)
            {
                // Rotate the order each round, so that no configuration always runs first (or after the same one).
                for (var k = 0; k < functions.Count; k++)
                {
                    await functions[(k + Math.Max(round, 0)) % functions.Count].InvokeAsync(payload, record: round >= 0);
                }
            }

            await progress.WriteLineAsync($"{rounds} interleaved rounds after 5 warm-up rounds, {threads} intra-op thread(s)");
            return [.. functions.Select(f => new Result(f.Name, Stats.Median(f.Answers), Stats.Percentile(f.Answers, 95), Stats.Median(f.Busy), f.ShadowLines))];
        }
        finally
        {
            foreach (var function in functions)
            {
                await function.DisposeAsync();
            }

            Directory.Delete(candidate, recursive: true);
        }
    }

    private sealed class Function : IAsyncDisposable
    {
        private readonly RuntimeApiServer _server;
        private readonly RuntimeApiClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly SignallingHandler _handler;
        private readonly StringWriter _log;
        private readonly Task _loop;

        private Function(string name, RuntimeApiServer server, SignallingHandler handler, StringWriter log)
        {
            Name = name;
            _server = server;
            _handler = handler;
            _log = log;
            _client = new RuntimeApiClient(server.Address);
            var loop = new RuntimeLoop(_client, handler, TimeSpan.FromMilliseconds(300), TimeProvider.System, TextWriter.Null);
            _loop = Task.Run(() => loop.RunAsync(_stop.Token));
        }

        public string Name { get; }

        public List<double> Answers { get; } = [];

        public List<double> Busy { get; } = [];

        public double ShadowLines => _log.ToString().Split('\n').Count(l => l.Contains("\"message\":\"shadow\"", StringComparison.Ordinal));

        public static async Task<Function> StartAsync(string name, string? split, string models, int threads)
        {
            var environment = new Dictionary<string, string>
            {
                ["MODEL_DIR"] = models,
                ["MODEL_NAME"] = "resnet18",
                ["ORT_INTRA_OP_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PREDICTION_CACHE_MAX_ENTRIES"] = "0", // the same image every time: the cache would answer instead of the model
            };
            if (split is not null)
            {
                environment[TrafficSplit.VariableName] = split;
            }

            var log = new StringWriter();
            var service = await FunctionComposition.CreateAsync(environment.GetValueOrDefault, TextWriter.Synchronized(log));
            var dispatcher = new EventDispatcher(service, new Lazy<SqsS3BatchHandler>(() => throw new InvalidOperationException("no SQS events here")));
            var server = await RuntimeApiServer.StartAsync("shadow-bench", CancellationToken.None);
            return new Function(name, server, new SignallingHandler(dispatcher), log);
        }

        public async Task InvokeAsync(byte[] payload, bool record)
        {
            var idle = _handler.NextIdle();
            var start = Stopwatch.GetTimestamp();
            var outcome = await _server.Enqueue(payload, TimeSpan.FromSeconds(30)).Outcome;
            var answered = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            await idle;
            var busy = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (outcome.Status != InvocationStatus.Succeeded)
            {
                throw new InvalidOperationException($"{Name}: the invocation failed: {outcome.Error?.ErrorMessage}");
            }

            if (record)
            {
                Answers.Add(answered);
                Busy.Add(busy);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _server.DisposeAsync();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _client.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>The dispatcher, plus a signal when the deferred work of an invocation is done (the loop then calls GET next).</summary>
    private sealed class SignallingHandler(EventDispatcher inner) : IInvocationHandler
    {
        private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task NextIdle() => (_idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken) =>
            inner.HandleAsync(invocation, deadline, cancellationToken);

        public async Task AfterResponseAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.AfterResponseAsync(cancellationToken);
            }
            finally
            {
                _idle.TrySetResult();
            }
        }
    }
}
