using Amazon.DynamoDBv2;
using Amazon.S3;
using Inference.Contracts;
using Inference.Storage;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Service;

/// <summary>
/// Builds the inference service once per process and gives init failures a stable error type,
/// so /runtime/init/error says what kind of fix is needed (the message says which one).
/// </summary>
public static class ServiceInitialization
{
    /// <param name="dynamoDb">The DynamoDB client of the predictions log and cache; null creates the default one when needed
    /// (Lambda). The access tests pass a recording client, so the calls they check are the ones this code makes.</param>
    public static async Task<IInferenceService> CreateAsync(Func<string, string?> environment, TextWriter output, IAmazonS3? s3,
        IAmazonDynamoDB? dynamoDb = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await FunctionComposition.CreateAsync(environment, output, s3, dynamoDb, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ModelStorageException or OnnxRuntimeException)
        {
            throw new FunctionException("ModelLoadFailed", exception.Message, exception);
        }
        catch (ModelConfigException exception)
        {
            throw new FunctionException("ModelConfigInvalid", exception.Message, exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new FunctionException("FunctionConfigInvalid", exception.Message, exception);
        }
    }
}
