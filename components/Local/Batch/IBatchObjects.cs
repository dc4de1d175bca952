using System.Text.Json;

namespace Infra.Local.Batch;

/// <summary>An input object as listed: its key, size and last change.</summary>
/// <param name="Refusal">Why it must not be delivered (a symbolic link in the input folder), or null.</param>
public sealed record InputObject(string Key, long Size, DateTimeOffset LastModified, string? Refusal = null);

/// <summary>The function's record for one input, read back from the results location.</summary>
public sealed record FunctionRecord(bool IsResult, DateTimeOffset WrittenAt, byte[] Content)
{
    /// <param name="where">Where it was read, for the error when it is not a batch record.</param>
    public static FunctionRecord Read(byte[] content, DateTimeOffset writtenAt, string where)
    {
        try
        {
            using var record = JsonDocument.Parse(content);
            return new FunctionRecord(record.RootElement.GetProperty("outcome").GetString() == "result", writtenAt, content);
        }
        catch (Exception unreadable) when (unreadable is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{where} is not a batch record with an \"outcome\": {unreadable.Message}", unreadable);
        }
    }
}

/// <summary>
/// Where the local pipeline finds the inputs and the function's records, and where it puts poison inputs:
/// folders by default, the local S3 stand-in with --emulators.
/// </summary>
public interface IBatchObjects
{
    /// <summary>The input bucket's name, as the S3 notification names it to the function.</summary>
    string InputBucket { get; }

    /// <summary>Every input object; the pipeline applies the notification filter.</summary>
    Task<IReadOnlyList<InputObject>> ListInputsAsync(CancellationToken cancellationToken);

    /// <returns>The record under <paramref name="resultKey"/>, or null when there is none.</returns>
    Task<FunctionRecord?> ReadRecordAsync(string resultKey, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the input (if it still exists) into the dead-letter location with its reason, and removes an error record.
    /// The reason is written first, so an interrupted move only leaves the input to be processed again. A symbolic link
    /// is removed rather than moved: its reason names its target, which is left alone.
    /// </summary>
    Task DeadLetterAsync(string inputKey, string resultKey, byte[] reasonJson, CancellationToken cancellationToken);
}
