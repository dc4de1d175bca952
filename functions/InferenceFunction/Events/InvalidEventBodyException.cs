namespace InferenceFunction.Events;

/// <summary>An HTTP event whose body cannot be decoded; the caller gets a 400, not an invocation error.</summary>
public sealed class InvalidEventBodyException : Exception
{
    public InvalidEventBodyException(string message)
        : base(message)
    {
    }
}
