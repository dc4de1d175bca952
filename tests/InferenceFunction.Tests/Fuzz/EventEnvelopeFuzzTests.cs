using CsCheck;
using Fuzzing;

namespace InferenceFunction.Tests.Fuzz;

/// <summary>
/// Property: any event payload, however malformed, ends in the function's typed answer
/// (see <see cref="DispatchOutcome"/>), never an unhandled exception, a hang or a 5xx.
/// </summary>
public sealed class EventEnvelopeFuzzTests : IDisposable
{
    private readonly DispatchOutcome _outcome = new();

    public void Dispose() => _outcome.Dispose();

    [Fact]
    public void Mutated_valid_events_get_a_typed_answer() =>
        Gen.Int[0, EventSamples.All.Count - 1]
            .SelectMany(index => JsonMutations.Mutate(EventSamples.All[index]))
            .Sample(payload => _outcome.AssertHandledAsync(payload).GetAwaiter().GetResult(),
                iter: FuzzIterations.Get(3000), threads: 1, print: payload => payload);

    [Fact]
    public void Sqs_messages_with_mutated_s3_notifications_get_a_typed_answer() =>
        JsonMutations.Mutate(EventSamples.S3Notification)
            .Select(EventSamples.Sqs)
            .Sample(payload => _outcome.AssertHandledAsync(payload).GetAwaiter().GetResult(),
                iter: FuzzIterations.Get(1000), threads: 1, print: payload => payload);

    [Fact]
    public void Random_bytes_get_a_typed_answer() =>
        Gen.Byte.Array[0, 512]
            .Sample(payload => _outcome.AssertHandledAsync(payload).GetAwaiter().GetResult(),
                iter: FuzzIterations.Get(2000), threads: 1, print: payload => Convert.ToBase64String(payload));
}
