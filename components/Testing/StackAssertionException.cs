namespace Infra.Testing;

/// <summary>
/// A failed assertion on a synthesized program. The message names the resource, the path inside it and what was
/// expected versus found, so that a failing pull request explains itself without a debugger.
/// </summary>
public sealed class StackAssertionException : Exception
{
    /// <summary>A failure with its message.</summary>
    public StackAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>A failure caused by another error, such as the <c>ConfigException</c> of a stack with bad config.</summary>
    public StackAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
