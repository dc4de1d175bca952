using Infra.Components;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Testing;

namespace Components.Tests;

/// <summary>
/// A quantized model is an ordinary registry version: <c>quantize</c> names it with SemVer build metadata
/// (<c>0.23.1+int8</c>), and a component serves it by pinning that version.
/// </summary>
public sealed class QuantizedModelPinTests
{
    [Fact]
    public void A_component_pinned_to_an_int8_version_loads_and_may_read_only_that_versions_folder()
    {
        var stack = new Stack("proj", "dev");
        var models = new EncryptedBucket(stack, "models");
        _ = new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = new CodeDirectory("fn", "/nonexistent"),
            ModelBucket = models,
            ModelName = "resnet18",
            ModelVersion = "0.23.1+int8",
        });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("0.23.1+int8", ProgramValues.At((OrderedMap)template.Property("embed-function", "environment", "variables")!, "MODEL_VERSION"));
        var statements = (List<object?>)template.Property("embed-role-policy", "policy", "fn::toJSON", "Statement")!;
        Assert.Equal("${models-bucket.arn}/models/resnet18/0.23.1+int8/*", ProgramValues.At(statements.Single(s => (string?)ProgramValues.At(s, "Sid") == "ReadModel"), "Resource"));
    }
}
