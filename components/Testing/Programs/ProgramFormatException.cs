namespace Infra.Testing.Programs;

/// <summary>The program cannot be read or converted; the message says where and why.</summary>
public sealed class ProgramFormatException(string message, SourceMark mark) : Exception(message)
{
    public SourceMark Mark { get; } = mark;
}
