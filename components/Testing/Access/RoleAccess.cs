namespace Infra.Testing.Access;

/// <summary>One role of the program as the caller: what it can and cannot do.</summary>
public sealed class RoleAccess
{
    private readonly ProgramAccess _access;

    internal RoleAccess(ProgramAccess access, string logicalName)
    {
        _access = access;
        LogicalName = logicalName;
        Arn = access.Policies.Outputs.Output(logicalName, "arn");
    }

    /// <summary>The role's logical name in the program.</summary>
    public string LogicalName { get; }

    /// <summary>The role's ARN as deployed.</summary>
    public string Arn { get; }

    /// <summary>Expects IAM to allow <paramref name="action"/> (e.g. <c>s3:GetObject</c>); name the resource with <c>On</c>.</summary>
    public AccessExpectation Can(string action) => new(_access, this, action, expectAllowed: true);

    /// <summary>Expects IAM to deny <paramref name="action"/> (implicitly or explicitly); name the resource with <c>On</c>.</summary>
    public AccessExpectation Cannot(string action) => new(_access, this, action, expectAllowed: false);

    /// <summary>The role as failure messages name it: its logical name and ARN.</summary>
    public override string ToString() => $"role '{LogicalName}' ({Arn})";
}
