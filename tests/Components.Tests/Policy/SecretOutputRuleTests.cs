using Infra.Aws.ApiGateway;
using Infra.Core;
using static Components.Tests.PolicyAssertions;

namespace Components.Tests;

public class SecretOutputRuleTests
{
    private static ApiKey Key(Stack stack, string name, IList<string>? secretOutputs = null) =>
        new(stack, name, new ApiKeyArgs { Name = name }, new CustomResourceOptions { AdditionalSecretOutputs = secretOutputs ?? [] });

    [Fact]
    public void An_api_key_value_in_a_plain_output_fires()
    {
        var stack = NewStack();
        var key = Key(stack, "client-key");
        stack.Export("clientKey", key.Value);

        AssertFires(stack, "OUTPUT-SECRET", "outputs.clientKey", "the secret property 'value' of 'client-key'");
    }

    [Fact]
    public void A_secret_config_value_inside_an_interpolation_fires()
    {
        var stack = NewStack();
        var password = stack.ConfigReference<string>("dbPassword", "string", secret: true);
        stack.Export("connection", Output.Format($"postgres://app:{password}@db.internal/app"));

        AssertFires(stack, "OUTPUT-SECRET", "outputs.connection", "the secret config value 'dbPassword'");
    }

    [Fact]
    public void A_variable_holding_an_fn_secret_value_fires_when_exported_plainly()
    {
        var stack = NewStack();
        var variable = stack.DeclareVariable("token", new FunctionValue("fn::secret", new LiteralValue("s3cr3t")));
        stack.Export("token", new ReferenceValue(variable, null));

        AssertFires(stack, "OUTPUT-SECRET", "outputs.token", "the secret value of variable 'token'");
    }

    [Fact]
    public void A_property_listed_in_additional_secret_outputs_fires()
    {
        var stack = NewStack();
        var key = Key(stack, "tagged-key", ["name"]);
        stack.Export("keyNames", new[] { key.GetOutput<string>("name") });

        AssertFires(stack, "OUTPUT-SECRET", "outputs.keyNames", "the secret property 'name'");
    }

    [Fact]
    public void Secrets_wrapped_in_fn_secret_and_plain_identifiers_are_quiet()
    {
        var stack = NewStack();
        var key = Key(stack, "client-key");
        var password = stack.ConfigReference<string>("dbPassword", "string", secret: true);
        var plainSetting = stack.ConfigReference<string>("region", "string", secret: false);
        stack.Export("clientKey", Output.CreateSecret(key.Value));
        stack.Export("clientKeyId", key.Id);
        stack.Export("connection", Output.CreateSecret(Output.Format($"postgres://app:{password}@db.internal/app")));
        stack.Export("region", plainSetting);

        AssertQuiet(stack, "OUTPUT-SECRET");
    }
}
