namespace LambdaEmulator;

/// <summary>An error as the function reported it (or as the emulator describes a timeout or crash).</summary>
public sealed record EmulatedError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace);
