using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Inference.Contracts;

/// <summary>Reads a model.json and validates every field, failing with a <see cref="ModelConfigException"/>.</summary>
public static partial class ModelConfigLoader
{
    public const string FileName = "model.json";
    private const int MaxImageSide = 4096;
    private const int MaxTopK = 1000;

    /// <summary>Metadata entries a model.json may carry, and the longest key and value.</summary>
    public const int MaxMetadataEntries = 50;
    public const int MaxMetadataLength = 1024;

    /// <param name="configPath">The model.json file.</param>
    /// <param name="sideFilesPresent">
    /// Whether the files model.json names besides the model (labelsFile, preprocessing.graph) lie next to it and are read;
    /// false validates the references only, for a model.json looked at without its folder (the registry's <c>model show</c>).
    /// </param>
    public static ModelDefinition Load(string configPath, bool sideFilesPresent = true)
    {
        ModelConfig? config;
        try
        {
            using var stream = File.OpenRead(configPath);
            config = Deserialize(stream, configPath);
        }
        catch (IOException ex)
        {
            throw new ModelConfigException(configPath, $"cannot be read: {ex.Message}", ex);
        }

        return new Validator(configPath, config, sideFilesPresent).Validate();
    }

    /// <summary>
    /// Validates model.json text that is not on disk (read from the registry): the files it names besides the model are
    /// checked as references only. <paramref name="source"/> names it in errors, e.g. its S3 URI.
    /// </summary>
    public static ModelDefinition Parse(string json, string source)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return new Validator(source, Deserialize(stream, source), sideFilesPresent: false).Validate();
    }

    private static ModelConfig Deserialize(Stream stream, string source)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(stream, ModelConfigJsonContext.Default.ModelConfig);
        }
        catch (JsonException ex)
        {
            throw new ModelConfigException(source, $"invalid JSON at '{ex.Path ?? "$"}': {ex.Message}", ex);
        }

        return config ?? throw new ModelConfigException(source, "is empty (null); a JSON object is required");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    /// <summary>The model.json text of a config: camelCase, indented, without null fields.</summary>
    public static string Serialize(ModelConfig config) => JsonSerializer.Serialize(config, ModelConfigJsonContext.Default.ModelConfig);

    /// <summary>Whether a model name is allowed (it is also a folder of the model registry).</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public const string NameRules = "1-64 characters of letters, digits, '_', '.', '-', starting with a letter or digit";

    private sealed class Validator(string path, ModelConfig config, bool sideFilesPresent)
    {
        private readonly string _directory = sideFilesPresent ? Path.GetDirectoryName(Path.GetFullPath(path))! : "";

        public ModelDefinition Validate()
        {
            Require(IsValidName(config.Name), "name", Quote(config.Name), "allowed: " + NameRules);
            Require(SemanticVersion.IsValid(config.Version), "version", Quote(config.Version), "allowed: " + SemanticVersion.Rules);
            RequireRelativeFile("file", config.File, ".onnx", mustExist: false);
            if (config.Sha256 is not null)
            {
                Require(Sha256Pattern().IsMatch(config.Sha256), "sha256", Quote(config.Sha256),
                    "allowed: 64 lower-case hex digits");
            }

            if (config.SizeBytes is { } size)
            {
                Require(size > 0, "sizeBytes", Num(size), "allowed: a positive number of bytes");
            }

            ValidateMetadata();
            ValidateQuantization();
            var inputs = ValidateTensors("inputs", config.Inputs);
            var outputs = ValidateTensors("outputs", config.Outputs);
            var labels = ValidateLabels();
            var graph = ValidatePreprocessing(inputs);
            ValidatePostprocessing(outputs, labels);
            ValidateSideFiles();
            return new ModelDefinition(config, sideFilesPresent ? Path.GetFullPath(path) : path, _directory, inputs, outputs, labels, graph);
        }

        private void ValidateSideFiles()
        {
            var named = new[] { config.LabelsFile, config.Preprocessing?.Graph }.OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var (file, digest) in config.SideFiles ?? new Dictionary<string, SideFileDigest>())
            {
                var at = $"sideFiles.{file}";
                Require(named.Contains(file), "sideFiles", Quote(file),
                    "allowed: only files model.json names besides the model (labelsFile, preprocessing.graph)" + (named.Count == 0 ? "; it names none" : ": " + string.Join(", ", named.Select(Quote))));
                Require(digest is not null && Sha256Pattern().IsMatch(digest.Sha256 ?? ""), $"{at}.sha256", Quote(digest?.Sha256), "allowed: 64 lower-case hex digits");
                Require(digest!.SizeBytes >= 0, $"{at}.sizeBytes", Num(digest.SizeBytes), "allowed: a number of bytes, 0 or more");
            }
        }

        private ModelTensor[] ValidateTensors(string field, IReadOnlyList<TensorSpec> specs)
        {
            Require(specs.Count > 0, field, "[]", "allowed: at least one tensor");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var result = new ModelTensor[specs.Count];
            for (var i = 0; i < specs.Count; i++)
            {
                var spec = specs[i];
                var at = $"{field}[{i}]";
                if (spec is null)
                {
                    // JSON null inside the array: the deserializer leaves it null despite the non-nullable type.
                    Fail(at, "null", "allowed: a tensor object with name, datatype and shape");
                    break;
                }

                Require(!string.IsNullOrWhiteSpace(spec.Name), $"{at}.name", Quote(spec.Name), "allowed: a non-empty tensor name");
                Require(names.Add(spec.Name), $"{at}.name", Quote(spec.Name), "allowed: a name not used by another tensor in " + field);
                Require(TensorDatatypes.TryParse(spec.Datatype, out var datatype), $"{at}.datatype", Quote(spec.Datatype),
                    "allowed: " + TensorDatatypes.AllowedList);
                Require(spec.Shape.Count > 0, $"{at}.shape", "[]", "allowed: at least one dimension");
                for (var d = 0; d < spec.Shape.Count; d++)
                {
                    Require(spec.Shape[d] == -1 || spec.Shape[d] > 0, $"{at}.shape[{d}]", Num(spec.Shape[d]),
                        "allowed: a positive size, or -1 for a dynamic dimension");
                }

                Require(!spec.AllowNonFinite || datatype.IsFloatingPoint(), $"{at}.allowNonFinite", "true",
                    "allowed: true only for FP32 or FP64 tensors");
                result[i] = new ModelTensor(spec.Name, datatype, [.. spec.Shape], spec.AllowNonFinite);
            }

            return result;
        }

        private void ValidateMetadata()
        {
            if (config.Metadata is not { } metadata)
            {
                return;
            }

            Require(metadata.Count <= MaxMetadataEntries, "metadata", $"{metadata.Count} entries", $"allowed: at most {MaxMetadataEntries} entries");
            foreach (var (key, value) in metadata)
            {
                Require(key.Length is > 0 and <= MaxMetadataLength && !string.IsNullOrWhiteSpace(key), "metadata", Quote(key),
                    $"allowed: keys of 1 to {MaxMetadataLength} characters, not blank");
                Require(value is not null, $"metadata.{key}", "null", "allowed: a string");
                Require(value!.Length <= MaxMetadataLength, $"metadata.{key}", $"{value.Length} characters", $"allowed: at most {MaxMetadataLength} characters");
            }
        }

        private void ValidateQuantization()
        {
            if (config.Quantization is not { } q)
            {
                return;
            }

            Require(q.Method is "static-qdq" or "dynamic", "quantization.method", Quote(q.Method), "allowed: static-qdq, dynamic");
            Require(q.SourceSha256 is not null && Sha256Pattern().IsMatch(q.SourceSha256), "quantization.sourceSha256", Quote(q.SourceSha256),
                "allowed: 64 lower-case hex digits (the FP32 file's sha256)");
            if (q.SourceVersion is not null)
            {
                Require(SemanticVersion.IsValid(q.SourceVersion), "quantization.sourceVersion", Quote(q.SourceVersion), "allowed: " + SemanticVersion.Rules);
            }

            Require(q.Method != "static-qdq" || q.Calibration is not null, "quantization.calibration", "null",
                "allowed: a calibration object (samples, setSha256); static-qdq is calibrated");
            if (q.Calibration is { } calibration)
            {
                Require(calibration.Samples > 0, "quantization.calibration.samples", Num(calibration.Samples), "allowed: a positive count");
                Require(calibration.SetSha256 is not null && Sha256Pattern().IsMatch(calibration.SetSha256), "quantization.calibration.setSha256",
                    Quote(calibration.SetSha256), "allowed: 64 lower-case hex digits");
                Require(calibration.Source is null || calibration.Source.Length <= MaxMetadataLength, "quantization.calibration.source",
                    $"{calibration.Source?.Length} characters", $"allowed: at most {MaxMetadataLength} characters");
            }

            var accuracy = q.Accuracy;
            Require(accuracy is not null, "quantization.accuracy", "null", "allowed: an accuracy object (metric, value, samples)");
            Require(accuracy!.Metric is "cosine" or "top1Agreement", "quantization.accuracy.metric", Quote(accuracy.Metric), "allowed: cosine, top1Agreement");
            Require(accuracy.Metric == "cosine" ? accuracy.Value is >= -1 and <= 1 : accuracy.Value is >= 0 and <= 1, "quantization.accuracy.value",
                Num(accuracy.Value), accuracy.Metric == "cosine" ? "allowed: -1 to 1" : "allowed: 0 to 1");
            Require(accuracy.Samples > 0, "quantization.accuracy.samples", Num(accuracy.Samples), "allowed: a positive count");
        }

        private string[] ValidateLabels()
        {
            if (config.Labels is not null && config.LabelsFile is not null)
            {
                Fail("labelsFile", Quote(config.LabelsFile), "allowed: either 'labels' or 'labelsFile', not both");
            }

            string[] labels;
            if (config.LabelsFile is not null)
            {
                RequireRelativeFile("labelsFile", config.LabelsFile, ".txt", mustExist: sideFilesPresent);
                if (!sideFilesPresent)
                {
                    return [];
                }

                labels = [.. File.ReadAllLines(Path.Combine(_directory, config.LabelsFile)).Where(l => l.Length > 0)];
                Require(labels.Length > 0, "labelsFile", Quote(config.LabelsFile), "allowed: a file with one label per line");
            }
            else
            {
                labels = [.. config.Labels ?? []];
            }

            for (var i = 0; i < labels.Length; i++)
            {
                Require(!string.IsNullOrWhiteSpace(labels[i]), $"labels[{i}]", Quote(labels[i]), "allowed: a non-empty label");
            }

            return labels;
        }

        private string? ValidatePreprocessing(ModelTensor[] inputs)
        {
            var pre = config.Preprocessing;
            if (pre is null)
            {
                return null;
            }

            Require(pre.Resize.Width is > 0 and <= MaxImageSide, "preprocessing.resize.width", Num(pre.Resize.Width),
                $"allowed: 1 to {MaxImageSide}");
            Require(pre.Resize.Height is > 0 and <= MaxImageSide, "preprocessing.resize.height", Num(pre.Resize.Height),
                $"allowed: 1 to {MaxImageSide}");
            Require(pre.Layout is "NCHW" or "NHWC", "preprocessing.layout", Quote(pre.Layout), "allowed: NCHW, NHWC");
            Require(pre.ChannelOrder is "RGB" or "BGR", "preprocessing.channelOrder", Quote(pre.ChannelOrder), "allowed: RGB, BGR");
            Require(float.IsFinite(pre.Scale) && pre.Scale > 0, "preprocessing.scale", Num(pre.Scale), "allowed: a positive finite number");
            ValidateChannelValues("preprocessing.mean", pre.Mean, positive: false);
            ValidateChannelValues("preprocessing.std", pre.Std, positive: true);

            Require(inputs.Length == 1, "inputs", $"{inputs.Length} tensors",
                "allowed: exactly one input when 'preprocessing' is set (the image tensor)");
            var input = inputs[0];
            Require(input.Datatype == TensorDatatype.FP32, "inputs[0].datatype", Quote(input.Datatype.ToProtocolName()),
                "allowed: FP32 when 'preprocessing' is set");
            var expected = pre.Layout == "NCHW"
                ? new long[] { 1, 3, pre.Resize.Height, pre.Resize.Width }
                : [1, pre.Resize.Height, pre.Resize.Width, 3];
            Require(input.Shape.Length == 4 && input.Shape.Zip(expected).All(p => p.First == -1 || p.First == p.Second),
                "inputs[0].shape", "[" + string.Join(",", input.Shape) + "]",
                $"allowed: a shape compatible with {pre.Layout} [{string.Join(",", expected)}] from 'preprocessing'");

            if (pre.Graph is null)
            {
                return null;
            }

            RequireRelativeFile("preprocessing.graph", pre.Graph, ".onnx", mustExist: sideFilesPresent);
            return Path.Combine(_directory, pre.Graph);
        }

        private void ValidateChannelValues(string field, IReadOnlyList<float>? values, bool positive)
        {
            if (values is null)
            {
                return;
            }

            Require(values.Count == 3, field, $"{values.Count} values", "allowed: exactly 3 values, one per channel in 'channelOrder'");
            for (var i = 0; i < values.Count; i++)
            {
                Require(float.IsFinite(values[i]) && (!positive || values[i] > 0), $"{field}[{i}]", Num(values[i]),
                    positive ? "allowed: a positive finite number" : "allowed: a finite number");
            }
        }

        private void ValidatePostprocessing(ModelTensor[] outputs, string[] labels)
        {
            var post = config.Postprocessing;
            if (post is null)
            {
                return;
            }

            Require(post.Type is "classification" or "embedding", "postprocessing.type", Quote(post.Type),
                "allowed: classification, embedding");
            var output = post.Output is null ? outputs[0] : outputs.FirstOrDefault(o => o.Name == post.Output);
            Require(output is not null, "postprocessing.output", Quote(post.Output),
                "allowed: one of the declared outputs: " + string.Join(", ", outputs.Select(o => o.Name)));
            Require(output!.Datatype.IsFloatingPoint(), "postprocessing.output", Quote(output.Name),
                "allowed: an FP32 or FP64 output");
            if (post.Type != "classification")
            {
                return;
            }

            Require(post.TopK is > 0 and <= MaxTopK, "postprocessing.topK", Num(post.TopK), $"allowed: 1 to {MaxTopK}");
            if (config.LabelsFile is not null && !sideFilesPresent)
            {
                return; // the labels are in a file that was not read
            }

            Require(labels.Length > 0, "labels", "none", "allowed: 'labels' or 'labelsFile' are required for classification");
            var classes = output.Shape[^1];
            Require(classes == -1 || classes == labels.Length, "labels", $"{labels.Length} labels",
                $"allowed: exactly {classes} labels, one per class of output '{output.Name}'");
        }

        private void RequireRelativeFile(string field, string? file, string extension, bool mustExist)
        {
            Require(!string.IsNullOrWhiteSpace(file) && !Path.IsPathRooted(file)
                    && !file.Split('/', '\\').Contains("..")
                    && file.EndsWith(extension, StringComparison.OrdinalIgnoreCase),
                field, Quote(file), $"allowed: a relative path inside the model folder ending in '{extension}'");
            Require(!mustExist || File.Exists(Path.Combine(_directory, file!)), field, Quote(file),
                $"allowed: an existing file next to {FileName}");
        }

        private void Require(bool condition, string field, string? value, string allowed)
        {
            if (!condition)
            {
                Fail(field, value, allowed);
            }
        }

        private void Fail(string field, string? value, string allowed) =>
            throw new ModelConfigException(path, field, value, allowed);

        private static string Quote(string? value) => value is null ? "null" : JsonSerializer.Serialize(value, ModelConfigJsonContext.Default.String);

        private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
