namespace Infra.Testing;

/// <summary>
/// A failed assertion on a synthesized program. The message names the resource, the path inside it and what was
/// expected versus found, so that a failing pull request explains itself without a debugger.
/// </summary>
public sealed class StackAssertionException(string message) : Exception(message);
