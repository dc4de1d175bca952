namespace Infra.Registry;

/// <summary>A registry operation that cannot be done; the message names the model, the version or the file, and why.</summary>
public sealed class RegistryException(string message, Exception? inner = null) : Exception(message, inner);
