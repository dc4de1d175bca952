namespace InferenceFunction.Events;

/// <summary>
/// What the batch handler answers for as a whole: an SQS message (its S3 notification's objects), or one object of a
/// batch job. Reading the objects may throw (an unreadable notification); the item is then handed back.
/// </summary>
public sealed record BatchItem(string Id, Func<IEnumerable<S3ObjectReference>> Objects);
