using System.Text;
using InferenceFunction.Runtime;
using LambdaEmulator;

namespace InferenceFunction.Tests;

/// <summary>
/// Shadow calls rely on this: the loop posts the response first, then runs the handler's deferred work, and only then asks
/// for the next event. Checked against the in-process Runtime API emulator.
/// </summary>
public sealed class AfterResponseTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new();
    private RuntimeApiServer _server = null!;
    private RuntimeApiClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RuntimeApiServer.StartAsync("after-response-test", CancellationToken.None);
        _client = new RuntimeApiClient(_http, _server.Address);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }

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
        StartLoop(new DeferringHandler { Throw = true }, log);

        var first = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await _server.Enqueue(Encoding.UTF8.GetBytes("{}"), TimeSpan.FromSeconds(20)).Outcome.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(InvocationStatus.Succeeded, first.Status);
        Assert.Equal(InvocationStatus.Succeeded, second.Status);
        Assert.Contains("work after the response failed: InvalidOperationException: candidate exploded", log.ToString(), StringComparison.Ordinal);
    }

    private void StartLoop(IInvocationHandler handler, TextWriter? log = null)
    {
        var loop = new RuntimeLoop(_client, handler, TimeSpan.FromMilliseconds(100), TimeProvider.System, TextWriter.Synchronized(log ?? TextWriter.Null));
        _ = Task.Run(() => loop.RunAsync(_stop.Token));
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
