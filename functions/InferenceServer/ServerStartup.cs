using Amazon.S3;
using Inference.Contracts;
using Inference.Service;

namespace InferenceServer;

/// <summary>
/// Builds the service exactly as the Lambda host does (<see cref="ServiceInitialization"/>, so every variable of the
/// library applies, the execution provider and batching included), checks that /invocations has its model, and loads
/// every model before the server reports ready.
/// </summary>
internal static class ServerStartup
{
    /// <exception cref="FunctionException">Init failed; its ErrorType says what kind of fix is needed, its message names the variable, file or object.</exception>
    public static async Task<IInferenceService> InitializeAsync(Func<string, string?> environment, ServerSettings settings, TextWriter output,
        IAmazonS3? s3, CancellationToken cancellationToken)
    {
        var service = await ServiceInitialization.CreateAsync(environment, output, s3, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckInvocationsModelAsync(service, settings.InvocationsModel, cancellationToken).ConfigureAwait(false);
            // With MODEL_LOADING=lazy the composition loads nothing; /ping must still mean "warm".
            await service.WarmUpAsync(cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch
        {
            (service as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A plain model service names its models; any other composition (ensembles, the request-type router, a traffic
    /// split) is asked for the model's metadata, as a client would, which writes one request line with the id
    /// "startup-check".
    /// </summary>
    private static async Task CheckInvocationsModelAsync(IInferenceService service, string? model, CancellationToken cancellationToken)
    {
        if (model is null)
        {
            return;
        }

        if (service is ModelService models)
        {
            var names = models.Models.Definitions.Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
            if (!names.Contains(model, StringComparer.Ordinal))
            {
                throw new FunctionException("FunctionConfigInvalid",
                    $"{ServerSettings.InvocationsModelVariable}='{model}' is not a model this server serves; allowed: {string.Join(", ", names)}.");
            }

            return;
        }

        var metadata = await service.HandleAsync(new InferenceRequest("GET", $"/v2/models/{Uri.EscapeDataString(model)}",
            new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty, "startup-check"), cancellationToken).ConfigureAwait(false);
        if (metadata.StatusCode != 200)
        {
            throw new FunctionException("FunctionConfigInvalid",
                $"{ServerSettings.InvocationsModelVariable}='{model}' is not a model this server serves (GET /v2/models/{model} answered {metadata.StatusCode}: "
                + $"{System.Text.Encoding.UTF8.GetString(metadata.Body.Span)}); allowed: a model or ensemble the service answers for.");
        }
    }
}
