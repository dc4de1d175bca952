using System.Text;
using Inference.Service;
using InferenceFunction.Runtime;
using LambdaEmulator;

namespace InferenceFunction.Tests;

/// <summary>
/// The host's Runtime API loop against an in-process server that speaks the real protocol. Some tests here time the
/// deadline's cancellation to a few milliseconds, so they run on their own, after the parallel tests: a continuation
/// queued behind other tests' work on a starved thread pool came 300 ms late once in CI.
/// </summary>
[Collection(nameof(TimingSensitive))]
public sealed class RuntimeLoopTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private RuntimeApiServer _server = null!;
    private RuntimeApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RuntimeApiServer.StartAsync("loop-test", CancellationToken.None);
        _client = new RuntimeApiClient(_server.Address);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task NextThenResponse_HandsTheEventAndItsHeadersToTheHandlerAndPostsTheAnswer()
    {
        var handler = new RecordingHandler(invocation => Encoding.UTF8.GetBytes("{\"echo\":" + Encoding.UTF8.GetString(invocation.Payload) + "}"));
        StartLoop(handler);

        var pending = _server.Enqueue(Encoding.UTF8.GetBytes("{\"n\":1}"), TimeSpan.FromSeconds(20));
        var (status, payload, error) = await pending.Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.Succeeded, status);
        Assert.Null(error);
        Assert.Equal("{\"echo\":{\"n\":1}}", Encoding.UTF8.GetString(payload));
        var seen = Assert.Single(handler.Seen);
        Assert.Equal(pending.RequestId, seen.Invocation.RequestId);
        Assert.Equal(pending.TraceId, seen.Invocation.TraceId);
        Assert.Equal(pending.TraceId, seen.TraceEnvironment);
        Assert.EndsWith(":function:loop-test", seen.Invocation.InvokedFunctionArn, StringComparison.Ordinal);
        var timeLeft = DateTimeOffset.FromUnixTimeMilliseconds(seen.Invocation.DeadlineUnixMs) - DateTimeOffset.UtcNow;
        Assert.InRange(timeLeft, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task NextThenError_ReportsTypeAndActionableMessage_AndKeepsServing()
    {
        var calls = 0;
        var handler = new RecordingHandler(_ => ++calls == 1
            ? throw new FunctionException("ModelLoadFailed", "s3://models/resnet18.onnx version v3: AccessDenied; grant s3:GetObject to the function role.")
            : Encoding.UTF8.GetBytes("{}"));
        StartLoop(handler);

        var first = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.FunctionError, first.Status);
        Assert.Equal("ModelLoadFailed", first.Error!.ErrorType);
        Assert.Equal("s3://models/resnet18.onnx version v3: AccessDenied; grant s3:GetObject to the function role.", first.Error.ErrorMessage);
        Assert.Contains(first.Error.StackTrace, line => line.Contains("FunctionException", StringComparison.Ordinal));
        Assert.Equal(InvocationStatus.Succeeded, second.Status);
    }

    [Fact]
    public async Task UnexpectedException_IsReportedWithItsTypeNameAndInnerCause()
    {
        StartLoop(new RecordingHandler(_ => throw new InvalidOperationException("outer", new IOException("disk /tmp is full"))));

        var outcome = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.FunctionError, outcome.Status);
        Assert.Equal("InvalidOperationException", outcome.Error!.ErrorType);
        Assert.Equal("outer <- disk /tmp is full", outcome.Error.ErrorMessage);
    }

    [Fact]
    public async Task InitFailure_IsPostedToInitError_AndTheHostExitsWithoutPolling()
    {
        var host = new FunctionHost(_client, TimeSpan.FromMilliseconds(100), TextWriter.Null);

        var exitCode = await host.RunAsync(
            _ => throw new FunctionException("ModelLoadFailed", "s3://b/k version v: AccessDenied (check the function role)"),
            _stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, exitCode);
        var error = await _server.InitError.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("ModelLoadFailed", error.ErrorType);
        Assert.Equal("s3://b/k version v: AccessDenied (check the function role)", error.ErrorMessage);
    }

    [Fact]
    public async Task ResponseOverTheLimit_BecomesAResponseTooLargeError()
    {
        StartLoop(new RecordingHandler(_ => new byte[RuntimeApiServer.MaxResponseBytes + 1]));

        var outcome = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.FunctionError, outcome.Status);
        Assert.Equal("ResponseTooLarge", outcome.Error!.ErrorType);
    }

    [Fact]
    public async Task AResponseTheRuntimeApiRefuses_IsLogged_AndTheLoopGoesOn()
    {
        var forgotten = _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20));
        StartLoop(new RecordingHandler(invocation =>
        {
            if (invocation.RequestId == forgotten.RequestId)
            {
                _server.Forget(forgotten); // the emulator now answers 400 InvalidRequestID, as Lambda does for a stale id
            }

            return Encoding.UTF8.GetBytes("{}");
        }));

        var next = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.Succeeded, next.Status);
        Assert.False(forgotten.Outcome.IsCompleted);
    }

    [Fact]
    public async Task TheHandlersTokenIsCancelledAtTheDeadlineMinusTheSafetyMargin()
    {
        var handler = new RecordingHandler(_ => [], waitForCancellation: true);
        StartLoop(handler, safetyMargin: TimeSpan.FromMilliseconds(300));

        var pending = _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromMilliseconds(1500));
        var outcome = await pending.Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.FunctionError, outcome.Status);
        Assert.Equal("DeadlineExceeded", outcome.Error!.ErrorType);
        Assert.Contains("300 ms safety margin", outcome.Error.ErrorMessage, StringComparison.Ordinal);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(Assert.Single(handler.Seen).Invocation.DeadlineUnixMs);
        Assert.InRange(handler.CancelledAt!.Value, deadline.AddMilliseconds(-300 - 20), deadline);
    }

    /// <summary>
    /// Shadow calls rely on this: the loop posts the response first, then runs the handler's deferred work, and only then
    /// asks for the next event.
    /// </summary>
    [Fact]
    public async Task The_caller_gets_its_answer_while_the_deferred_work_still_runs_and_the_next_event_waits_for_it()
    {
        var handler = new DeferringHandler();
        StartLoop(handler);

        var first = _server.Enqueue(Encoding.UTF8.GetBytes("{\"n\":1}"), TimeSpan.FromSeconds(20));
        var outcome = await first.Outcome.WaitAsync(TimeSpan.FromSeconds(10));
        await handler.DeferredStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The answer is out although the deferred work has not finished: its time is not the caller's.
        Assert.Equal(InvocationStatus.Succeeded, outcome.Status);
        Assert.False(handler.DeferredFinished);

        var second = _server.Enqueue(Encoding.UTF8.GetBytes("{\"n\":2}"), TimeSpan.FromSeconds(20));
        await Task.Delay(300);
        Assert.Equal(1, handler.Handled); // /next is not called until the deferred work ends
        handler.Release.SetResult();

        Assert.Equal(InvocationStatus.Succeeded, (await second.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.True(handler.DeferredFinished);
        Assert.Equal(2, handler.Handled);
    }

    [Fact]
    public async Task Deferred_work_that_throws_is_logged_and_the_loop_goes_on()
    {
        var log = new StringWriter();
        StartLoop(new DeferringHandler { Throw = true }, log: log);

        var first = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.Succeeded, first.Status);
        Assert.Equal(InvocationStatus.Succeeded, second.Status);
        Assert.Contains("work after the response failed: InvalidOperationException: candidate exploded", log.ToString(), StringComparison.Ordinal);
    }

    private void StartLoop(IInvocationHandler handler, TimeSpan? safetyMargin = null, TextWriter? log = null)
    {
        var loop = new RuntimeLoop(_client, handler, safetyMargin ?? TimeSpan.FromMilliseconds(100), TimeProvider.System, TextWriter.Synchronized(log ?? TextWriter.Null));
        _ = Task.Run(() => loop.RunAsync(_stop.Token));
    }

    private sealed class RecordingHandler : IInvocationHandler
    {
        private readonly Func<Invocation, byte[]> _answer;
        private readonly bool _waitForCancellation;

        public RecordingHandler(Func<Invocation, byte[]> answer, bool waitForCancellation = false)
        {
            _answer = answer;
            _waitForCancellation = waitForCancellation;
        }

        public List<(Invocation Invocation, string? TraceEnvironment)> Seen { get; } = [];

        public DateTimeOffset? CancelledAt { get; private set; }

        public async Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken)
        {
            Seen.Add((invocation, Environment.GetEnvironmentVariable(RuntimeLoop.TraceIdEnvironmentVariable)));
            if (_waitForCancellation)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                finally
                {
                    CancelledAt = DateTimeOffset.UtcNow;
                }
            }

            return _answer(invocation);
        }
    }

    private sealed class DeferringHandler : IInvocationHandler
    {
        private int _handled;

        public bool Throw { get; init; }

        public int Handled => Volatile.Read(ref _handled);

        public TaskCompletionSource DeferredStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool DeferredFinished;

        public Task<byte[]> HandleAsync(Invocation invocation, InvocationDeadline deadline, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _handled);
            return Task.FromResult("{}"u8.ToArray());
        }

        public async Task AfterResponseAsync(CancellationToken cancellationToken)
        {
            if (Throw)
            {
                throw new InvalidOperationException("candidate exploded");
            }

            if (DeferredStarted.Task.IsCompleted)
            {
                return; // only the first invocation defers work
            }

            DeferredStarted.SetResult();
            await Release.Task.WaitAsync(cancellationToken);
            DeferredFinished = true;
        }
    }
}
