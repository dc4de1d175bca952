using Infra.Aws.Kms;
using Infra.Aws.Lambda;
using Infra.Aws.S3;
using Infra.Hosting;
using Infra.Policy;

namespace Components.Tests;

/// <summary>Every synth runs the policy pack: errors stop it with no program, warnings are printed.</summary>
public sealed class PolicySynthTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("policy-synth").FullName;

    public PolicySynthTests() => File.WriteAllText(Path.Combine(_project, "Pulumi.yaml"), "name: ml\nruntime: yaml\n");

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private (int Code, string Program, string Errors) Synth(StackDefinition definition, PolicyPack? policies = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run(["synth", "--stack", "dev"], definition, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = _project,
            Environment = _ => null,
            Policies = policies ?? PolicyPack.Default,
        });
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void An_error_finding_stops_synth_with_rule_resource_why_and_fix_and_no_program()
    {
        var (code, program, errors) = Synth(context =>
        {
            new Bucket(context.Stack, "uploads", new BucketArgs());
            return null;
        });

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", program);
        Assert.Contains("error: the stack violates 3 policy rule(s), no program was emitted:", errors, StringComparison.Ordinal);
        Assert.Contains("S3-ENCRYPTION on 'uploads': the bucket has no server-side encryption configuration", errors, StringComparison.Ordinal);
        Assert.Contains("why: buckets hold models", errors, StringComparison.Ordinal);
        Assert.Contains("fix: use EncryptedBucket", errors, StringComparison.Ordinal);
        Assert.Contains("S3-PUBLIC-ACCESS on 'uploads'", errors, StringComparison.Ordinal);
        Assert.Contains("S3-TLS-ONLY on 'uploads'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_default_pack_warning_is_printed_and_the_program_is_emitted()
    {
        var (code, program, errors) = Synth(context =>
        {
            new Function(context.Stack, "worker", new FunctionArgs { Role = "arn:aws:iam::123456789012:role/worker", Runtime = "dotnet10", Handler = "Worker" });
            return null;
        });

        Assert.True(code == ExitCodes.Success, errors);
        Assert.Contains("type: aws:lambda/function:Function", program, StringComparison.Ordinal);
        Assert.Contains("warning: policy LAMBDA-ERROR-ALARM on 'worker': no CloudWatch alarm watches the function's Errors metric", errors, StringComparison.Ordinal);
        Assert.Contains("fix: add InferenceMonitoring", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_teams_own_warning_rule_is_printed_and_the_program_is_emitted()
    {
        var pack = new PolicyPack([.. PolicyPack.Default.Rules, new KeyDescriptionRule()]);

        var (code, program, errors) = Synth(context =>
        {
            new Key(context.Stack, "key", new KeyArgs { EnableKeyRotation = true });
            return null;
        }, pack);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("type: aws:kms/key:Key", program, StringComparison.Ordinal);
        Assert.Contains("warning: policy KEY-DESCRIPTION on 'key': the key has no description", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("error", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void A_suppressed_error_lets_synth_go_on()
    {
        var (code, program, errors) = Synth(context =>
        {
            var key = new Key(context.Stack, "imported", new KeyArgs());
            context.Stack.SuppressPolicy(key, "KMS-ROTATION", "imported key material cannot be rotated by KMS");
            return null;
        });

        Assert.True(code == ExitCodes.Success, errors);
        Assert.Contains("type: aws:kms/key:Key", program, StringComparison.Ordinal);
    }

    [Fact]
    public void A_suppression_of_an_unknown_rule_fails_like_any_synthesis_error()
    {
        var (code, program, errors) = Synth(context =>
        {
            var key = new Key(context.Stack, "key", new KeyArgs { EnableKeyRotation = true });
            context.Stack.SuppressPolicy(key, "NO-SUCH-RULE", "reason");
            return null;
        });

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", program);
        Assert.Contains("names policy rule 'NO-SUCH-RULE', which does not exist", errors, StringComparison.Ordinal);
    }

    /// <summary>A team's own warning rule, added to the default pack.</summary>
    private sealed class KeyDescriptionRule : PolicyRule
    {
        public override string Id => "KEY-DESCRIPTION";

        public override PolicySeverity Severity => PolicySeverity.Warning;

        public override string Why => "the console lists keys by id; a description says what a key protects";

        public override string Fix => "set description on the key";

        public override IEnumerable<PolicyFinding> Evaluate(ResourceGraph graph) =>
            graph.OfType(Infra.Aws.Kms.Key.PulumiType).Where(k => !graph.Input(k, "description").IsSet()).Select(k => Finding(k, "the key has no description"));
    }
}
