using Infra.Testing;

namespace Components.Tests;

/// <summary>The statements of an IAM policy that synthesis writes as <c>fn::toJSON</c>, read through the testing kit.</summary>
internal static class PolicyStatements
{
    public static List<object?> Of(StackTemplate template, string resource, string property = "policy") =>
        (List<object?>)template.Property(resource, property, "fn::toJSON", "Statement")!;

    /// <summary>The one statement with this <c>Sid</c>.</summary>
    public static object? Sid(List<object?> statements, string sid) => statements.Single(s => (string?)ProgramValues.At(s, "Sid") == sid);
}
