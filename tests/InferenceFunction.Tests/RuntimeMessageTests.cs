using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LambdaEmulator;

namespace InferenceFunction.Tests;

/// <summary>
/// What an operator reads comes out in words from the function as built: the batch handler's retry line (which CloudWatch
/// shows, and which the local batch pipeline copies into the dead-letter reason record) carries the runtime's own part of an
/// exception message as text, not as a resource key such as <c>Arg_ParamName_Name</c>. The build's runtimeconfig used to
/// switch the runtime's messages off (System.Resources.UseSystemResourceKeys), so an ArgumentException's message ended in
/// "Arg_ParamName_Name, key" instead of "(Parameter 'key')".
/// </summary>
public sealed partial class RuntimeMessageTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("runtime-messages-");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Capitalised words joined by underscores with a lowercase letter in them, as the runtime's resource keys are (LOCAL_OBJECT_ROOT is not one).</summary>
    internal static string[] ResourceKeysIn(string text) =>
        [.. IdentifierWithUnderscores().Matches(text).Select(m => m.Value).Where(v => v.Any(char.IsLower))];

    [Fact]
    public void The_detector_finds_resource_keys_and_leaves_variable_names_alone()
    {
        Assert.Equal(["Arg_ParamName_Name", "TypeInitialization_Type_NoTypeAvailable", "DllNotFound_Linux"],
            ResourceKeysIn("Object key 'a/../b' is not allowed in LOCAL_OBJECT_ROOT. Arg_ParamName_Name, key; TypeInitialization_Type_NoTypeAvailable <- DllNotFound_Linux, libSkiaSharp"));
        Assert.Empty(ResourceKeysIn("Object key 'a/../b' is not allowed in LOCAL_OBJECT_ROOT. (Parameter 'key') s3://in_put/file_name.png"));
    }

    [Fact]
    public async Task A_batch_object_key_the_folder_store_refuses_is_retried_with_a_message_in_words()
    {
        var objects = Directory.CreateDirectory(Path.Combine(_root.FullName, "objects")).FullName;
        var output = new StringWriter();
        var environment = new Dictionary<string, string>
        {
            ["MODEL_DIR"] = Path.Combine(AppContext.BaseDirectory, "models"),
            ["MODEL_NAME"] = "ppocr-cls",
            ["MODEL_LOADING"] = "lazy",
            ["LOCAL_OBJECT_ROOT"] = objects,
            ["RESULTS_BUCKET"] = "results",
            ["BATCH_MODEL_NAME"] = "ppocr-cls",
            ["BATCH_MODEL_VERSION"] = "2.0.0",
        };

        await using (var emulator = await FunctionEmulator.StartAsync(
            FunctionDefinition.ForPublishedFunction(BuiltFunction.AssemblyPath, environment), TextWriter.Synchronized(output)))
        {
            var batch = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(SqsS3Events.For("inputs", ("m1", "incoming/../escape.png"))));

            Assert.True(batch.Status == InvocationStatus.Succeeded, emulator.RecentOutput());
            Assert.Equal("m1", JsonDocument.Parse(batch.Payload).RootElement.GetProperty("batchItemFailures")[0].GetProperty("itemIdentifier").GetString());
        }

        var retry = output.ToString().Split('\n').Single(line => line.Contains("SQS message m1 will be retried", StringComparison.Ordinal));
        Assert.Contains("Object key 'incoming/../escape.png' cannot be stored as a file", retry, StringComparison.Ordinal);
        Assert.True(ResourceKeysIn(retry).Length == 0, retry);
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")]
    private static partial Regex IdentifierWithUnderscores();
}
