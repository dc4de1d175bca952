using System.Text;
using Inference.Service;
using InferenceFunction.Runtime;

namespace InferenceFunction.Tests;

internal static class Invocations
{
    public static Invocation WithPayload(string json, TimeSpan? timeLeft = null) => new(
        "req-1",
        DateTimeOffset.UtcNow.Add(timeLeft ?? TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds(),
        "arn:aws:lambda:us-east-1:000000000000:function:f",
        "Root=1-00000000-000000000000000000000000",
        Encoding.UTF8.GetBytes(json));

    public static InvocationDeadline Deadline(Invocation invocation, TimeSpan? safetyMargin = null) =>
        new(invocation.DeadlineUnixMs, safetyMargin ?? TimeSpan.FromMilliseconds(100), TimeProvider.System);
}
