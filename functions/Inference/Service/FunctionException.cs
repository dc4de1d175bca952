namespace Inference.Service;

/// <summary>
/// A failure the host reports with a stable error type (e.g. "UnknownEventShape") instead of the
/// exception's class name, so alarms and people can key on it.
/// </summary>
public sealed class FunctionException : Exception
{
    public FunctionException(string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorType = errorType;
    }

    public string ErrorType { get; }
}
