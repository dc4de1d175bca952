namespace AwsSemantics.Tests.Catalog;

/// <summary>Something in a program that AWS does not know: where it is and what is wrong.</summary>
public sealed record CatalogFinding(string Where, string Problem)
{
    public override string ToString() => $"{Where}: {Problem}";
}
