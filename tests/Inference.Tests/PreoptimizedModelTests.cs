using Inference.Contracts;
using Inference.Sessions;
using Inference.Service;
using Inference.Storage;

namespace Inference.Tests;

/// <summary>The publish-time optimised graph (issue 9's cold start): written, found, answering as the ONNX file does, and still given the CPU's layout at load.</summary>
public sealed class PreoptimizedModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_prepared_graph_is_loaded_instead_of_the_onnx_file_and_answers_the_same()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        var written = new StringWriter();

        Assert.Equal(1, ModelPreparation.Run(folder, written));
        Assert.Equal(0, ModelPreparation.Run(folder, TextWriter.Null)); // current: nothing to do

        var definition = ModelConfigLoader.Load(Path.Combine(folder, "model.json"));
        var prepared = PreoptimizedModel.PathFor(definition)!;
        Assert.Equal(Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx.491843a3c65de462.extended.onnx"), prepared);
        Assert.True(File.Exists(prepared));
        Assert.True(new FileInfo(PreoptimizedModel.DataPathFor(prepared)).Length > new FileInfo(prepared).Length); // the weights sit outside the graph
        Assert.Contains("wrote ch_ppocr_mobile_v2.0_cls_infer.onnx.491843a3c65de462.extended.onnx", written.ToString(), StringComparison.Ordinal);

        var fromPrepared = await RunAsync(definition, preoptimized: true);
        var fromOnnx = await RunAsync(definition, preoptimized: false);
        Assert.Equal(fromOnnx.Length, fromPrepared.Length);
        for (var i = 0; i < fromOnnx.Length; i++)
        {
            Assert.Equal(fromOnnx[i], fromPrepared[i], 5);
        }

        // The prepared file really is what the session opened: corrupt it, and loading fails instead of silently using the ONNX file.
        await File.WriteAllBytesAsync(prepared, [1, 2, 3, 4]);
        await Assert.ThrowsAnyAsync<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => RunAsync(definition, preoptimized: true));
    }

    [Fact]
    public void Preparation_removes_graphs_of_earlier_model_files_and_refuses_a_file_whose_sha256_differs()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        var stale = Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx.0000000000000000.ort"); // the format before ONNX
        File.WriteAllText(stale, "from an earlier model version");

        var staleWeights = Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx.0000000000000000.extended.onnx.data");
        File.WriteAllText(staleWeights, "from an earlier model version");

        ModelPreparation.Run(folder, TextWriter.Null);
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(staleWeights));
        var current = PreoptimizedModel.PathFor(ModelConfigLoader.Load(Path.Combine(folder, "model.json")))!;
        Assert.True(File.Exists(current) && File.Exists(PreoptimizedModel.DataPathFor(current)));

        File.Delete(PreoptimizedModel.DataPathFor(current)); // as a graph written before the weights moved to their own file
        Assert.Equal(1, ModelPreparation.Run(folder, TextWriter.Null));
        Assert.True(File.Exists(PreoptimizedModel.DataPathFor(current)));

        var onnx = Path.Combine(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        var bytes = File.ReadAllBytes(onnx);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(onnx, bytes);
        File.Delete(PreoptimizedModel.PathFor(ModelConfigLoader.Load(Path.Combine(folder, "model.json")))!);

        var error = Assert.Throws<ModelConfigException>(() => ModelPreparation.Run(folder, TextWriter.Null));
        Assert.Contains("field 'sha256' has value 491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640; allowed: the sha256 of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_sha256_gets_no_prepared_graph()
    {
        var folder = _dir.CopyModel("ppocr-cls");
        var config = Path.Combine(folder, "model.json");
        File.WriteAllText(config, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(config), "\"sha256\": \"[0-9a-f]+\",", string.Empty));
        var log = new StringWriter();

        Assert.Equal(0, ModelPreparation.Run(folder, log));
        Assert.Equal(["ch_ppocr_mobile_v2.0_cls_infer.onnx"], Directory.GetFiles(folder, "ch_ppocr_mobile_v2.0_cls_infer.onnx*").Select(Path.GetFileName));
        Assert.Contains("ppocr-cls: no sha256", log.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_prepared_graph_still_gets_the_CPUs_NCHWc_layout_at_load()
    {
        // The reason the graph is saved as ONNX: an ORT-format graph loads without these rewrites and runs 17-34 % slower.
        Skip.IfNot(System.Runtime.Intrinsics.X86.Avx2.IsSupported, "ONNX Runtime uses the NCHWc layout on x64 CPUs with AVX2 or AVX-512 only");
        var folder = _dir.CopyModel("ppocr-cls");
        ModelPreparation.Run(folder, TextWriter.Null);
        var prepared = PreoptimizedModel.PathFor(ModelConfigLoader.Load(Path.Combine(folder, "model.json")))!;
        var asLoaded = Path.Combine(folder, "as-loaded.onnx");

        using (var options = new SessionSettings(1).CreateOptions())
        {
            options.OptimizedModelFilePath = asLoaded;
            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(prepared, options);
        }

        Assert.DoesNotContain("ReorderInput", File.ReadAllText(prepared), StringComparison.Ordinal); // NCHWc ops, by their type name
        Assert.Contains("ReorderInput", File.ReadAllText(asLoaded), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ORT_PREOPTIMIZED_MODEL")]
    [InlineData("INIT_PARALLEL")]
    public void The_cold_start_switches_default_to_on_and_take_only_true_or_false(string variable)
    {
        var defaults = InferenceOptions.FromEnvironment(_ => null, 2);
        Assert.True(defaults.PreoptimizedModels);
        Assert.True(defaults.ParallelInit);
        var off = InferenceOptions.FromEnvironment(name => name == variable ? "false" : null, 2);
        Assert.False(variable == "INIT_PARALLEL" ? off.ParallelInit : off.PreoptimizedModels);

        var error = Assert.Throws<InvalidOperationException>(() => InferenceOptions.FromEnvironment(name => name == variable ? "yes" : null, 2));
        Assert.Equal($"{variable} is 'yes'; allowed: true, false.", error.Message);
    }

    [Fact]
    public void Intra_op_spinning_is_off_unless_ORT_ALLOW_SPINNING_is_true()
    {
        Assert.False(InferenceOptions.FromEnvironment(_ => null, 2).SessionSettings.AllowSpinning);
        Assert.True(InferenceOptions.FromEnvironment(name => name == "ORT_ALLOW_SPINNING" ? "true" : null, 2).SessionSettings.AllowSpinning);

        var error = Assert.Throws<InvalidOperationException>(() => InferenceOptions.FromEnvironment(name => name == "ORT_ALLOW_SPINNING" ? "1" : null, 2));
        Assert.Equal("ORT_ALLOW_SPINNING is '1'; allowed: true, false.", error.Message);
    }

    private static async Task<float[]> RunAsync(ModelDefinition definition, bool preoptimized)
    {
        var loader = new ModelLoader(new BundledModelFileProvider(), new SessionSettings(1, UsePreoptimizedModels: preoptimized));
        var (model, _) = await loader.LoadAsync(definition, CancellationToken.None);
        using (model)
        {
            var input = Enumerable.Range(0, 3 * 48 * 192).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
            using var tensor = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(input, [1, 3, 48, 192]);
            using var output = model.Run(["x"], [tensor], ["softmax_0.tmp_0"], CancellationToken.None);
            return output[0].GetTensorDataAsSpan<float>().ToArray();
        }
    }
}
