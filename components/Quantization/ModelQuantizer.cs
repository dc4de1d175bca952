using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Inference.Contracts;
using Onnx;

namespace Infra.Quantization;

/// <summary>What to quantize, how, and on which inputs.</summary>
public sealed record QuantizationRequest
{
    /// <summary>The FP32 model's model.json; its <c>file</c> is the ONNX model, its preprocessing turns images into inputs.</summary>
    public required string ModelConfigPath { get; init; }

    /// <summary>Where the INT8 model, its model.json and its side files are written; must not hold a model.json yet.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary><c>static</c>, <c>dynamic</c>, or null to choose from the graph (Conv: static; MatMul/Gemm only: dynamic).</summary>
    public string? Method { get; init; }

    public string? CalibrationFolder { get; init; }
    public string? EvaluationFolder { get; init; }
    public int CalibrationLimit { get; init; } = 32;
    public int EvaluationLimit { get; init; } = 100;

    /// <summary>The quantized version; by default the source's with build metadata <c>int8</c> (0.23.1 → 0.23.1+int8).</summary>
    public string? Version { get; init; }

    /// <summary>7 keeps weights in [-63, 63] so that AVX2's u8·s8 multiply-add (without VNNI) cannot saturate; 8 uses [-127, 127].</summary>
    public int WeightBits { get; init; } = 7;

    /// <summary>The share of each activation's calibration values its range must hold; 100 is plain min/max.</summary>
    public double CalibrationPercentile { get; init; } = 99.999;

    public int Threads { get; init; } = 1;
    public int LatencyRounds { get; init; } = 40;
}

/// <summary>The files written and what they measured.</summary>
public sealed record QuantizationResult(string Method, string ModelPath, string ModelConfigPath, int QuantizedNodes,
    QuantizationMeasurement Measurement, ModelConfig Config);

/// <summary>FP32 ONNX model in, INT8 ONNX model and its model.json out: prepare, calibrate, rewrite, measure.</summary>
public static class ModelQuantizer
{
    public const string StaticMethod = "static";
    public const string DynamicMethod = "dynamic";

    public static QuantizationResult Quantize(QuantizationRequest request, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var definition = LoadDefinition(request.ModelConfigPath);
        var output = Path.GetFullPath(request.OutputDirectory);
        var outputConfig = Path.Combine(output, ModelConfigLoader.FileName);
        if (File.Exists(outputConfig))
        {
            throw new QuantizationException($"--out {request.OutputDirectory}: already holds a {ModelConfigLoader.FileName}; choose a new folder (nothing is overwritten)");
        }

        if (request.CalibrationPercentile is < 99 or > 100)
        {
            throw new QuantizationException($"--percentile {request.CalibrationPercentile}: allowed: 99 to 100 (100 keeps each activation's min and max)");
        }

        if (request.WeightBits is not (7 or 8))
        {
            throw new QuantizationException($"--weight-bits {request.WeightBits}: allowed: 7 or 8");
        }

        var sourcePath = definition.BundledModelPath;
        var model = OnnxModelFile.Load(sourcePath);
        var method = request.Method ?? ChooseMethod(model, sourcePath);
        if (method is not (StaticMethod or DynamicMethod))
        {
            throw new QuantizationException($"--method {method}: allowed: static (QDQ, calibrated; convolutional models), dynamic (MatMul/Gemm models)");
        }

        var version = request.Version ?? DefaultVersion(definition.Version);
        if (!SemanticVersion.IsValid(version))
        {
            throw new QuantizationException($"--version {version}: allowed: {SemanticVersion.Rules}");
        }

        GraphPreparation.Prepare(model, sourcePath);
        var editor = new GraphEditor(model.Graph);
        var maxLevel = request.WeightBits == 7 ? 63 : 127;
        var quantizedNodes = 0;
        if (method == DynamicMethod)
        {
            // First, so that a graph with nothing to quantize fails before any input is read.
            var quantizer = new DynamicQuantizer(editor, maxLevel);
            quantizer.Quantize();
            quantizedNodes = quantizer.QuantizedNodeCount;
        }

        using var inputs = new SampleInputs(definition);
        var calibration = method == StaticMethod ? CalibrationSet(request, inputs) : [];
        var evaluation = EvaluationSet(request, inputs);
        var shared = calibration.Select(c => c.Sha256).Intersect(evaluation.Select(e => e.Sha256)).ToList();
        if (shared.Count > 0)
        {
            var example = evaluation.First(e => e.Sha256 == shared[0]).Id;
            throw new QuantizationException(
                $"the calibration and evaluation sets share {shared.Count} input(s) (e.g. {example}); accuracy must be measured on held-out inputs, so use disjoint folders");
        }

        log.WriteLine($"quantize: {definition.Name} {definition.Version} ({sourcePath}), method {method}, " +
            $"{calibration.Count} calibration and {evaluation.Count} evaluation inputs");
        if (method == StaticMethod)
        {
            var ranges = Calibrator.Calibrate(model, StaticQdqQuantizer.TensorsToCalibrate(model.Graph), calibration, request.CalibrationPercentile);
            var quantizer = new StaticQdqQuantizer(editor, ranges, maxLevel);
            quantizer.Quantize();
            quantizedNodes = quantizer.QuantizedNodeCount;
        }

        model.ProducerName = "ml-serving quantize";
        var bytes = model.ToByteArray();
        var postprocessing = definition.Config.Postprocessing;
        var measurement = QuantizationEvaluator.Measure(sourcePath, bytes, postprocessing?.Output ?? definition.Outputs[0].Name,
            postprocessing?.Type == "classification", evaluation, request.Threads, request.LatencyRounds);

        Directory.CreateDirectory(output);
        var fileName = Path.GetFileNameWithoutExtension(definition.Config.File) + ".int8.onnx";
        var modelPath = Path.Combine(output, fileName);
        File.WriteAllBytes(modelPath, bytes);
        CopySideFiles(definition, output);
        var config = definition.Config with
        {
            Version = version,
            File = fileName,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            SizeBytes = bytes.Length,
            CreatedAt = null,
            Quantization = new QuantizationInfo
            {
                Method = method == StaticMethod ? "static-qdq" : "dynamic",
                SourceSha256 = FileSha256(sourcePath),
                SourceVersion = definition.Version,
                Calibration = calibration.Count == 0 ? null : new QuantizationCalibration
                {
                    Samples = calibration.Count,
                    SetSha256 = SetSha256(calibration),
                    Source = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.CalibrationFolder!))),
                },
                Accuracy = new QuantizationAccuracy { Metric = measurement.Metric, Value = Math.Round(measurement.MeanAccuracy, 6), Samples = measurement.EvaluationSamples },
            },
        };
        File.WriteAllText(outputConfig, ModelConfigLoader.Serialize(config));
        ModelConfigLoader.Load(outputConfig); // the written model.json passes the function's own validation
        return new QuantizationResult(method, modelPath, outputConfig, quantizedNodes, measurement, config);
    }

    internal static ModelDefinition LoadDefinition(string path)
    {
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            throw new QuantizationException($"{path}: quantize takes the model's model.json (it names the ONNX file, its inputs and its preprocessing), not the ONNX file itself");
        }

        try
        {
            return ModelConfigLoader.Load(path);
        }
        catch (ModelConfigException error)
        {
            throw new QuantizationException(error.Message, error);
        }
    }

    private static string ChooseMethod(ModelProto model, string source)
    {
        var ops = model.Graph.Node.Select(n => n.OpType).ToHashSet(StringComparer.Ordinal);
        if (ops.Contains("Conv"))
        {
            return StaticMethod;
        }

        if (ops.Contains("MatMul") || ops.Contains("Gemm"))
        {
            return DynamicMethod;
        }

        throw new QuantizationException(
            $"{source}: has no Conv, MatMul or Gemm, the ops INT8 speeds up (it has {string.Join(", ", ops.Order(StringComparer.Ordinal))}); nothing to quantize");
    }

    private static List<SampleInput> CalibrationSet(QuantizationRequest request, SampleInputs inputs)
    {
        if (!inputs.TakesImages)
        {
            throw new QuantizationException(
                "static quantization calibrates on images, and this model.json has no 'preprocessing' to turn images into its input; use --method dynamic");
        }

        if (request.CalibrationFolder is null)
        {
            throw new QuantizationException("static quantization needs calibration data: pass --calibration DIR, a folder of images like those the model will see");
        }

        return [.. inputs.FromImages(request.CalibrationFolder, request.CalibrationLimit, "--calibration")];
    }

    private static List<SampleInput> EvaluationSet(QuantizationRequest request, SampleInputs inputs)
    {
        if (!inputs.TakesImages)
        {
            // A model without image preprocessing: seeded generated inputs (a different seed from any calibration).
            return [.. inputs.Random(Math.Min(request.EvaluationLimit, 50), seed: 2)];
        }

        if (request.EvaluationFolder is null)
        {
            throw new QuantizationException("accuracy is measured on held-out images: pass --evaluation DIR, a folder of images not used for calibration");
        }

        return [.. inputs.FromImages(request.EvaluationFolder, request.EvaluationLimit, "--evaluation")];
    }

    internal static void CopySideFiles(ModelDefinition definition, string output)
    {
        foreach (var relative in new[] { definition.Config.Preprocessing?.Graph, definition.Config.LabelsFile }.OfType<string>())
        {
            var target = Path.Combine(output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(definition.Directory, relative), target, overwrite: true);
        }
    }

    private static string DefaultVersion(string source) => source.Contains('+', StringComparison.Ordinal) ? source + ".int8" : source + "+int8";

    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string SetSha256(IEnumerable<SampleInput> samples) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(string.Join("\n", samples.Select(s => s.Sha256).Order(StringComparer.Ordinal)))));
}
