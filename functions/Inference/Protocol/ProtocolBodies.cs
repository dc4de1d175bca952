using System.Text.Json;
using Inference.Contracts;

namespace Inference.Protocol;

/// <summary>The small Open Inference Protocol v2 response bodies: server and model metadata, health, errors.</summary>
public static class ProtocolBodies
{
    public static ReadOnlyMemory<byte> ServerMetadata() => JsonBody.WriteObject(w =>
    {
        w.WriteString("name", "serverless-inference");
        w.WriteString("version", typeof(ProtocolBodies).Assembly.GetName().Version?.ToString(3));
        w.WriteStartArray("extensions");
        w.WriteEndArray();
    });

    public static ReadOnlyMemory<byte> Live() => JsonBody.WriteObject(w => w.WriteBoolean("live", true));

    public static ReadOnlyMemory<byte> Readiness(bool ready, string? model) => JsonBody.WriteObject(w =>
    {
        if (model is not null)
        {
            w.WriteString("name", model);
        }

        w.WriteBoolean("ready", ready);
    });

    public static ReadOnlyMemory<byte> ModelMetadata(ModelDefinition model) => JsonBody.WriteObject(w =>
    {
        w.WriteString("name", model.Name);
        w.WriteStartArray("versions");
        w.WriteStringValue(model.Version);
        w.WriteEndArray();
        w.WriteString("platform", "onnxruntime");
        WriteTensors(w, "inputs", model.Inputs);
        WriteTensors(w, "outputs", model.Outputs);
        if (model.Config.Quantization is { } quantization)
        {
            // The protocol's extension object: a client sees that it talks to an INT8 version and how close it measured to FP32.
            w.WriteStartObject("parameters");
            w.WriteString("quantization_method", quantization.Method);
            w.WriteString("quantization_source_sha256", quantization.SourceSha256);
            w.WriteString("quantization_accuracy_metric", quantization.Accuracy.Metric);
            w.WriteNumber("quantization_accuracy", quantization.Accuracy.Value);
            w.WriteEndObject();
        }
    });

    /// <summary>The protocol's <c>{"error": "..."}</c>, plus our stable machine-readable <c>code</c>.</summary>
    public static ReadOnlyMemory<byte> Error(string code, string message, Action<Utf8JsonWriter>? details = null) => JsonBody.WriteObject(w =>
    {
        w.WriteString("error", message);
        w.WriteString("code", code);
        details?.Invoke(w);
    });

    private static void WriteTensors(Utf8JsonWriter w, string property, IReadOnlyList<ModelTensor> tensors)
    {
        w.WriteStartArray(property);
        foreach (var tensor in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", tensor.Name);
            w.WriteString("datatype", tensor.Datatype.ToProtocolName());
            w.WriteStartArray("shape");
            foreach (var size in tensor.Shape)
            {
                w.WriteNumberValue(size);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
