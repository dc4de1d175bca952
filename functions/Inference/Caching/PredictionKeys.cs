using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Inference.Contracts;
using Inference.Protocol;

namespace Inference.Caching;

/// <summary>
/// Cache keys: the sha256 of the normalized input together with the model's name and version. For /predict the input
/// is the image bytes; for /infer it is the parsed tensors (shape and element bytes) and the requested outputs, so the
/// JSON's formatting, key order and number spelling do not change the key, and the echoed <c>id</c> is not part of it.
/// </summary>
public static class PredictionKeys
{
    /// <summary>Bumped whenever the cached response body changes shape, so older shared entries are not served.</summary>
    private const string Scheme = "v1";

    /// <summary>The predictions log's input key for a REST request: <c>sha256:&lt;hex&gt;</c> of the body as received.</summary>
    public static string ForInput(ReadOnlySpan<byte> body) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));

    public static string ForPredict(ModelDefinition model, ReadOnlySpan<byte> image)
    {
        using var hash = Start("predict", model);
        hash.AppendData(image);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string ForInfer(ModelDefinition model, InferRequest request)
    {
        using var hash = Start("infer", model);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var tensor = request.Inputs[i].Value;
            AppendString(hash, model.Inputs[i].Name);
            AppendString(hash, model.Inputs[i].Datatype.ToProtocolName());
            var shape = tensor.GetTensorTypeAndShape().Shape;
            AppendInt64(hash, shape.Length);
            foreach (var size in shape)
            {
                AppendInt64(hash, size);
            }

            var bytes = tensor.GetTensorMutableRawData();
            AppendInt64(hash, bytes.Length);
            hash.AppendData(bytes);
        }

        AppendInt64(hash, request.OutputNames.Count);
        foreach (var name in request.OutputNames)
        {
            AppendString(hash, name);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IncrementalHash Start(string kind, ModelDefinition model)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(hash, Scheme);
        AppendString(hash, kind);
        AppendString(hash, model.Name);
        AppendString(hash, model.Version);
        // When model.json pins the ONNX file's hash, a new file under the same version still gets new keys.
        AppendString(hash, model.Config.Sha256 ?? "");
        return hash;
    }

    /// <summary>Length-prefixed, so that no two different sequences of fields hash the same bytes.</summary>
    private static void AppendString(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        AppendInt64(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
