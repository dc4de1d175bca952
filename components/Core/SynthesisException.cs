namespace Infra.Core;

/// <summary>
/// A program that cannot be emitted: the message names the component (or "stack") at fault,
/// and the host prints it instead of any output.
/// </summary>
public sealed class SynthesisException : Exception
{
    public SynthesisException(string owner, string problem)
        : base(Describe(owner) + problem)
    {
        Problems = [Message];
    }

    public SynthesisException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems))
    {
        Problems = problems;
    }

    public SynthesisException()
        : this([])
    {
    }

    public SynthesisException(string message)
        : this([message])
    {
    }

    public SynthesisException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }

    internal static string Describe(string owner) => owner == "stack" ? "stack: " : $"component '{owner}': ";
}
