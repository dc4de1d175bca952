using System.Security.Cryptography;
using Inference.Contracts;
using Inference.Imaging;
using Inference.Service;
using Microsoft.ML.OnnxRuntime;

namespace Infra.Quantization;

/// <summary>One named input tensor of a sample.</summary>
internal sealed record NamedTensor(string Name, float[] Data, long[] Shape)
{
    public OrtValue ToOrtValue() => OrtValue.CreateTensorValueFromMemory(Data, Shape);
}

/// <summary>One input of the model: its tensors, and the sha256 of what it was made from (an image file, a seed).</summary>
internal sealed record SampleInput(string Id, string Sha256, IReadOnlyList<NamedTensor> Tensors);

/// <summary>
/// Turns calibration and evaluation sets into model inputs exactly as the function does in production: the image is
/// decoded and resized by the function's own <see cref="ImageDecoder"/> and <see cref="ImageTensorBuilder"/> (SkiaSharp),
/// then run through model.json's preprocessing graph, if it names one.
/// </summary>
internal sealed class SampleInputs : IDisposable
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp"];
    private readonly ModelDefinition _model;
    private readonly InferenceSession? _preprocess;

    public SampleInputs(ModelDefinition model)
    {
        _model = model;
        _preprocess = model.PreprocessGraphPath is { } graph ? new InferenceSession(graph) : null;
    }

    public bool TakesImages => _model.Config.Preprocessing is not null;

    /// <summary>The images of a folder (sorted by name), at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<SampleInput> FromImages(string folder, int limit, string option)
    {
        if (!TakesImages)
        {
            throw new QuantizationException(
                $"{option} {folder}: model '{_model.Name}' has no 'preprocessing' in its model.json, so images cannot be turned into its input");
        }

        if (!Directory.Exists(folder))
        {
            throw new QuantizationException($"{option} {folder}: no such folder; a folder of JPEG, PNG or WebP images is required");
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).Take(limit).ToList();
        if (files.Count == 0)
        {
            throw new QuantizationException($"{option} {folder}: no images (.jpg, .jpeg, .png, .webp) in the folder");
        }

        var pre = _model.Config.Preprocessing!;
        var decoder = new ImageDecoder(InferenceOptions.DefaultMaxImagePixels);
        var builder = new ImageTensorBuilder(pre);
        var samples = new List<SampleInput>(files.Count);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                using var bitmap = decoder.Decode(bytes, pre.Resize.Width, pre.Resize.Height);
                using var image = builder.Build(bitmap);
                samples.Add(new SampleInput(Path.GetFileName(file), Convert.ToHexStringLower(SHA256.HashData(bytes)), [ModelInput(image.Value)]));
            }
            catch (Inference.Protocol.ApiException error)
            {
                throw new QuantizationException($"{option}: {file} cannot be read as an image: {error.Message}", error);
            }
        }

        return samples;
    }

    /// <summary>
    /// Seeded uniform values in [-1, 1] for models that do not take images (dynamic dimensions set to 1): enough to
    /// compare FP32 and INT8 outputs, not a substitute for real data.
    /// </summary>
    public IReadOnlyList<SampleInput> Random(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new List<SampleInput>(count);
        for (var s = 0; s < count; s++)
        {
            var tensors = _model.Inputs.Select(input =>
            {
                if (input.Datatype != TensorDatatype.FP32)
                {
                    throw new QuantizationException($"input '{input.Name}' of model '{_model.Name}' is {input.Datatype.ToProtocolName()}; generated inputs are FP32 only");
                }

                long[] shape = [.. input.Shape.Select(d => d < 0 ? 1 : d)];
                var data = new float[shape.Aggregate(1L, (a, d) => a * d)];
                for (var i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(random.NextDouble() * 2 - 1);
                }

                return new NamedTensor(input.Name, data, shape);
            }).ToList();
            samples.Add(new SampleInput($"random#{s}", Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(seed * 100_003L + s))), tensors));
        }

        return samples;
    }

    private NamedTensor ModelInput(OrtValue image)
    {
        var input = _model.Inputs[0];
        if (_preprocess is null)
        {
            return new NamedTensor(input.Name, image.GetTensorDataAsSpan<float>().ToArray(), image.GetTensorTypeAndShape().Shape);
        }

        using var outputs = _preprocess.Run(new RunOptions(), [_preprocess.InputNames[0]], [image], [_preprocess.OutputNames[0]]);
        var tensor = outputs[0];
        return new NamedTensor(input.Name, tensor.GetTensorDataAsSpan<float>().ToArray(), tensor.GetTensorTypeAndShape().Shape);
    }

    public void Dispose() => _preprocess?.Dispose();
}
