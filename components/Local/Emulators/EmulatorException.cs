namespace Infra.Local.Emulators;

/// <summary>A local stand-in that cannot be installed or started; the message says which, why, and what to do.</summary>
public sealed class EmulatorException(string message) : Exception(message);
