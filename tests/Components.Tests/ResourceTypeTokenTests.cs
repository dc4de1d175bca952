using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Infra.Core;

namespace Components.Tests;

/// <summary>
/// The generated resource classes are the one source of provider type tokens: each exposes its
/// token as <c>PulumiType</c>, and hand-written code names a type through that constant.
/// </summary>
public partial class ResourceTypeTokenTests
{
    private static List<Type> ResourceClasses() =>
        [.. typeof(Infra.Aws.S3.Bucket).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Infra.Aws", StringComparison.Ordinal) == true)
            .Where(t => typeof(CustomResource).IsAssignableFrom(t) && !t.IsAbstract)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static TheoryData<Type> GeneratedResourceClasses() => new(ResourceClasses());

    [Fact]
    public void Every_generated_resource_class_is_checked()
    {
        Assert.True(ResourceClasses().Count > 60, "the generated classes were not found by reflection");
    }

    [Theory]
    [MemberData(nameof(GeneratedResourceClasses))]
    public void A_generated_class_declares_the_type_token_it_emits(Type resourceClass)
    {
        var declared = resourceClass.GetField("PulumiType", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
        Assert.False(declared is null, $"{resourceClass.FullName} has no public PulumiType constant");

        // Only the token matters here, so the args are left empty (their required members unset).
        var constructor = resourceClass.GetConstructors().Single();
        var argsType = constructor.GetParameters()[2].ParameterType;
        var stack = new Stack("proj", "dev");
        var resource = (Resource)constructor.Invoke([stack, "probe", RuntimeHelpers.GetUninitializedObject(argsType), null]);

        Assert.Equal(declared, resource.TypeToken);
        Assert.Equal(ProviderToken(resourceClass), declared);
    }

    /// <summary>
    /// The provider's naming of a resource class: <c>aws:{module}/{camelCase class}:{Class}</c>
    /// (Infra.Aws.ApiGateway.RestApi is aws:apigateway/restApi:RestApi) and <c>awsx:{module}:{Class}</c>.
    /// The generator's --check test compares every token with the pinned provider itself.
    /// </summary>
    private static string ProviderToken(Type resourceClass)
    {
        var parts = resourceClass.Namespace!.Split('.');
        var (package, module, name) = (parts[1].ToLowerInvariant(), parts[2].ToLowerInvariant(), resourceClass.Name);
        return package == "awsx" ? $"awsx:{module}:{name}" : $"aws:{module}/{char.ToLowerInvariant(name[0])}{name[1..]}:{name}";
    }

    [Fact]
    public void No_hand_written_source_spells_a_resource_type_token()
    {
        var root = TeamStackTests.RepositoryRoot();
        var offenders = new List<string>();
        foreach (var folder in new[] { "components", "stacks", "functions" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.StartsWith("components/Aws/Generated/", StringComparison.Ordinal)
                    || relative.Split('/').Any(part => part is "bin" or "obj" or "node_modules"))
                {
                    continue;
                }

                offenders.AddRange(File.ReadLines(file)
                    .Select((line, index) => (line, index))
                    .Where(l => TypeTokenLiteral().IsMatch(l.line))
                    .Select(l => $"{relative}:{l.index + 1}: {l.line.Trim()}"));
            }
        }

        Assert.True(offenders.Count == 0, "use the generated class's PulumiType constant instead of:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("case \"aws:kms/key:Key\":", true)]
    [InlineData("r.TypeToken == \"awsx:ecr:Image\"", true)]
    [InlineData("stack.Invoke<string>(name, \"aws:iam:getPolicyDocument\", args)", false)]
    [InlineData("SseAlgorithm = \"aws:kms\",", false)]
    [InlineData("/// <summary>The Pulumi type token, e.g. <c>aws:s3/bucket:Bucket</c>.</summary>", false)]
    public void The_token_pattern_finds_type_tokens_in_string_literals_only(string line, bool isToken)
    {
        Assert.Equal(isToken, TypeTokenLiteral().IsMatch(line));
    }

    // A quoted provider resource type: "aws:<module>/<resource>:<Class>" or "awsx:<module>:<Class>".
    // Invokes (aws:iam:getPolicyDocument) and values such as "aws:kms" have no capitalized class part.
    [GeneratedRegex("\"awsx?:[a-z0-9]+(/[A-Za-z0-9]+)?:[A-Z][A-Za-z0-9]*\"")]
    private static partial Regex TypeTokenLiteral();
}
