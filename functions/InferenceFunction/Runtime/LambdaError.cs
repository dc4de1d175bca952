using Inference.Service;

namespace InferenceFunction.Runtime;

/// <summary>The body Lambda expects on /invocation/{id}/error and /runtime/init/error.</summary>
public sealed record LambdaError(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public static LambdaError FromException(Exception exception)
    {
        var errorType = exception is FunctionException functionException
            ? functionException.ErrorType
            : exception.GetType().Name;
        var stackTrace = exception.ToString()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new LambdaError(ActionableMessage(exception), errorType, stackTrace);
    }

    // Inner exceptions often carry the part a person can act on (the S3 error code, the file path).
    private static string ActionableMessage(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!parts.Contains(current.Message))
            {
                parts.Add(current.Message);
            }
        }

        return string.Join(" <- ", parts);
    }
}
