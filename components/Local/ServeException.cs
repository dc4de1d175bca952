namespace Infra.Local;

/// <summary>A problem that stops <c>serve</c> (a bad option, a setting with no local equivalent, a failed build); the message says which and why.</summary>
public sealed class ServeException(string message) : Exception(message);
