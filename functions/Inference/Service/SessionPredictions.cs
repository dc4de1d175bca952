using System.Diagnostics;
using Inference.Contracts;
using Inference.Imaging;
using Inference.Protocol;
using Inference.Sessions;
using Inference.Telemetry;
using Microsoft.ML.OnnxRuntime;
using static Inference.Service.Laps;

namespace Inference.Service;

/// <summary>Predicts with the models' sessions: loads the model (lazily), decodes images, runs it and writes the answer.</summary>
internal sealed class SessionPredictions(ModelSessions models, ImageDecoder decoder) : IPredictionStep
{
    public async ValueTask<PredictionAnswer> InferAsync(ModelDefinition definition, InferRequest parsed, RequestRecord record,
        CancellationToken cancellationToken)
    {
        var model = await LoadAsync(definition, cancellationToken).ConfigureAwait(false);
        var t = Stopwatch.GetTimestamp();
        var inputs = new OrtValue[parsed.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = parsed.Inputs[i].Value;
        }

        using var outputs = model.Run(model.InputNames, inputs, parsed.OutputNames, cancellationToken);
        record.InferenceMs = Lap(ref t);
        var body = InferResponseWriter.Write(definition, parsed.OutputNames, outputs);
        record.SerializeMs = Lap(ref t);
        return PredictionAnswer.Json(body);
    }

    public async ValueTask<(PredictionAnswer? Answer, PreparedImage? Image)> PrepareImageAsync(InferenceRequest request, ModelDefinition definition,
        ImageTensorBuilder builder, RequestRecord record, CancellationToken cancellationToken)
    {
        var model = await LoadAsync(definition, cancellationToken).ConfigureAwait(false);
        var t = Stopwatch.GetTimestamp();
        var resize = definition.Config.Preprocessing!.Resize;
        using var image = decoder.Decode(request.Body, resize.Width, resize.Height);
        record.DecodeMs = Lap(ref t);
        var tensor = builder.Build(image);
        try
        {
            var preprocessed = model.RunPreprocessGraph(tensor.Value, cancellationToken);
            record.PreprocessMs = Lap(ref t);
            return (null, new PreparedImage(request, record, model, tensor, preprocessed));
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    public ValueTask<PredictionAnswer> AnswerImageAsync(PreparedImage image, OrtValue output, CancellationToken cancellationToken)
    {
        var t = Stopwatch.GetTimestamp();
        var body = PredictionWriter.Write(image.Model.Definition, output);
        image.Record.SerializeMs = Lap(ref t);
        return ValueTask.FromResult(PredictionAnswer.Json(body));
    }

    /// <summary>The sessions belong to the service (<see cref="InferenceService"/> disposes them).</summary>
    public void Dispose()
    {
    }

    /// <summary>A model that fails to load (lazily) is a 503: the request was fine, the next one retries the load.</summary>
    private async ValueTask<LoadedModel> LoadAsync(ModelDefinition definition, CancellationToken cancellationToken)
    {
        try
        {
            return await models.GetAsync(definition.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ApiException(503, ErrorCodes.ModelUnavailable, $"Model '{definition.Name}' could not be loaded: {ex.Message}");
        }
    }
}
