using Infra.Hosting;
using Infra.Quantization;
using TestModels;

namespace Quantization.Tests;

/// <summary>Bad input to <c>quantize</c>: each is a clear error (exit 1, or 2 for usage), and nothing is written.</summary>
public sealed class QuantizeErrorTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "quantize-errors-" + Guid.NewGuid().ToString("N"));

    public QuantizeErrorTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Out => Path.Combine(_folder, "out");

    [Fact]
    public void A_file_that_is_not_onnx_is_named_as_such()
    {
        File.WriteAllText(Path.Combine(_folder, "model.onnx"), "this is a text file, not a protobuf model\n");
        var config = TestGraphs.WriteConfig(_folder, "model.onnx");

        var (code, error) = Run(config, "--out", Out);

        Assert.Equal(1, code);
        Assert.Contains("model.onnx: not an ONNX", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void A_graph_without_conv_matmul_or_gemm_is_refused_with_its_ops()
    {
        var config = TestGraphs.Write(TestGraphs.ActivationsOnly(), _folder, "[-1, 8]", "[-1, 8]");

        var (code, error) = Run(config, "--out", Out);

        Assert.Equal(1, code);
        Assert.Contains("has no Conv, MatMul or Gemm", error, StringComparison.Ordinal);
        Assert.Contains("Sigmoid, Softmax", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Dynamic_quantization_of_a_convolutional_model_points_to_static()
    {
        var (code, error) = Run(TestPhotos.ResNet18Config, "--out", Out, "--method", "dynamic");

        Assert.Equal(1, code);
        Assert.Contains("found no MatMul or Gemm", error, StringComparison.Ordinal);
        Assert.Contains("use --method static with calibration images", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_opset_with_ops_that_changed_meaning_is_refused()
    {
        var model = TestGraphs.ActivationsOnly();
        model.OpsetImport[0].Version = 9;
        model.Graph.Node.Add(GraphEditor.Node("MatMul", "mm", ["y", "W"], ["z"]));
        model.Graph.Initializer.Add(Tensors.Floats("W", new float[64], 8, 8));
        model.Graph.Output[0].Name = "z";
        var config = TestGraphs.Write(model, _folder, "[-1, 8]", "[-1, 8]");

        var (code, error) = Run(config, "--out", Out);

        Assert.Equal(1, code);
        Assert.Contains("imports ONNX opset 9", error, StringComparison.Ordinal);
        Assert.Contains("ops whose meaning changed before opset 13: Softmax", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Static_quantization_without_calibration_data_says_what_to_pass()
    {
        var (code, error) = Run(TestPhotos.ResNet18Config, "--out", Out, "--evaluation", _folder);

        Assert.Equal(1, code);
        Assert.Contains("static quantization needs calibration data: pass --calibration DIR", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calibration_folder_without_images_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, "notes.txt"), "no images here");

        var (code, error) = Run(TestPhotos.ResNet18Config, "--out", Out, "--calibration", _folder, "--evaluation", _folder);

        Assert.Equal(1, code);
        Assert.Contains($"--calibration {_folder}: no images (.jpg, .jpeg, .png, .webp) in the folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_image_in_the_calibration_folder_is_named()
    {
        File.WriteAllText(Path.Combine(_folder, "broken.jpg"), "not a jpeg");

        var (code, error) = Run(TestPhotos.ResNet18Config, "--out", Out, "--calibration", _folder, "--evaluation", _folder);

        Assert.Equal(1, code);
        Assert.Contains("broken.jpg cannot be read as an image", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Calibration_and_evaluation_sets_must_be_disjoint()
    {
        var (code, error) = Run(TestPhotos.ResNet18Config, "--out", Out, "--calibration", TestPhotos.Calibration, "--evaluation", TestPhotos.Calibration,
            "--calibration-count", "2", "--evaluation-count", "2");

        Assert.Equal(1, code);
        Assert.Contains("the calibration and evaluation sets share 2 input(s)", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void An_existing_model_json_in_the_output_folder_is_not_overwritten()
    {
        var config = TestGraphs.Write(TestGraphs.Mlp(), _folder);
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, "model.json"), "{}");

        var (code, error) = Run(config, "--out", Out);

        Assert.Equal(1, code);
        Assert.Contains("already holds a model.json", error, StringComparison.Ordinal);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(Out, "model.json")));
    }

    [Theory]
    [InlineData("--weight-bits", "4", "--weight-bits 4: allowed: a whole number from 7 to 8")]
    [InlineData("--percentile", "50", "--percentile 50: allowed: a number from 99 to 100")]
    [InlineData("--method", "fp16", "--method fp16: allowed: static")]
    [InlineData("--version", "1.0", "--version 1.0: allowed: a semantic version")]
    public void A_bad_option_value_names_the_option_and_what_is_allowed(string option, string value, string message)
    {
        var config = TestGraphs.Write(TestGraphs.Mlp(), _folder);

        var (code, error) = Run(config, "--out", Out, option, value);

        Assert.Equal(1, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_onnx_file_instead_of_its_model_json_is_explained()
    {
        var (code, error) = Run(Path.Combine(_folder, "model.onnx"), "--out", Out);

        Assert.Equal(1, code);
        Assert.Contains("quantize takes the model's model.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_out_it_is_a_usage_error()
    {
        var (code, error) = Run(Path.Combine(_folder, "model.json"));

        Assert.Equal(2, code);
        Assert.Contains("quantize needs --out DIR", error, StringComparison.Ordinal);
    }

    private static (int Code, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Deployment.Run(["quantize", .. args], _ => new Dictionary<string, object?>(), new DeploymentOptions
        {
            Commands = [new QuantizeCommand()],
            Out = output,
            Error = error,
            ProjectDirectory = RepositoryRoot(),
        });
        return (code, error.ToString());
    }

    private static string RepositoryRoot() => RepositoryFolder.Root;
}
