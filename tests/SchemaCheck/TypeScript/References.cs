using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>The names that the <c>${...}</c> references inside a value start from.</summary>
public static class References
{
    public static IEnumerable<string> RootNames(Expr? expr) => expr switch
    {
        SymbolExpr symbol => [symbol.Access.RootName],
        InterpolateExpr interpolation => interpolation.Parts.Where(p => p.Access is not null).Select(p => p.Access!.RootName),
        ListExpr list => list.Items.SelectMany(RootNames),
        ObjectExpr obj => obj.Entries.SelectMany(e => RootNames(e.Value)),
        BuiltinExpr builtin => RootNames(builtin.Argument),
        InvokeExpr invoke => RootNames(invoke.Arguments).Concat(RootNames(invoke.Options)),
        _ => [],
    };
}
