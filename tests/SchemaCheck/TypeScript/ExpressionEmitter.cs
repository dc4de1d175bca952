using Infra.Testing.Programs;

namespace SchemaCheck.TypeScript;

/// <summary>
/// Writes one YAML value as a TypeScript expression. Objects become inline object literals, so TypeScript's
/// excess-property check applies at every level; each key and item is attributed to its YAML place.
/// </summary>
public sealed class ExpressionEmitter(TypeScriptWriter writer, SymbolTable symbols, ProgramEntity entity)
{
    public void Emit(Expr expr, string path)
    {
        switch (expr)
        {
            case NullExpr:
                writer.Write("undefined");
                break;
            case BoolExpr boolean:
                writer.Write(boolean.Value ? "true" : "false");
                break;
            case NumberExpr number:
                writer.Write(number.Literal);
                break;
            case StringExpr text:
                writer.Write(Literals.String(text.Value));
                break;
            case SymbolExpr symbol:
                writer.Write(Reference(symbol.Access, symbol.Mark));
                break;
            case InterpolateExpr interpolation:
                EmitInterpolation(interpolation);
                break;
            case ListExpr list:
                EmitList(list, path);
                break;
            case ObjectExpr obj:
                EmitObject(obj, path);
                break;
            case BuiltinExpr builtin:
                EmitBuiltin(builtin, path);
                break;
            case InvokeExpr invoke:
                EmitInvoke(invoke, path);
                break;
            default:
                throw new ProgramFormatException($"cannot convert {expr.GetType().Name}", expr.Mark);
        }
    }

    public void EmitObject(ObjectExpr obj, string path)
    {
        if (obj.Entries.Count == 0)
        {
            writer.Write("{}");
            return;
        }
        writer.Write("{ ");
        for (var i = 0; i < obj.Entries.Count; i++)
        {
            var entry = obj.Entries[i];
            var entryPath = Join(path, entry.Key);
            if (i > 0) writer.Write(", ");
            writer.Span(new SourceLocation(entity, entryPath, entry.KeyMark), () =>
            {
                writer.Write(Literals.Key(entry.Key)).Write(": ");
                Emit(entry.Value, entryPath);
            });
        }
        writer.Write(" }");
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private void EmitList(ListExpr list, string path)
    {
        writer.Write("[");
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            var itemPath = $"{path}[{i}]";
            if (i > 0) writer.Write(", ");
            writer.Span(new SourceLocation(entity, itemPath, item.Mark), () => Emit(item, itemPath));
        }
        writer.Write("]");
    }

    private void EmitInterpolation(InterpolateExpr interpolation)
    {
        writer.Write("pulumi.interpolate`");
        foreach (var part in interpolation.Parts)
        {
            writer.Write(Literals.TemplateText(part.Text));
            if (part.Access is not null) writer.Write("${").Write(Reference(part.Access, interpolation.Mark)).Write("}");
        }
        writer.Write("`");
    }

    private string Reference(PropertyAccess access, SourceMark mark)
    {
        var text = symbols.Resolve(access.RootName, mark);
        foreach (var accessor in access.Accessors.Skip(1))
        {
            text += accessor switch
            {
                PropertyName name => Literals.Member(name.Name),
                PropertyKey key => $"[{Literals.String(key.Key)}]",
                PropertyIndex index => $"[{index.Index}]",
                _ => throw new ProgramFormatException($"unsupported accessor in '${{{access}}}'", mark),
            };
        }
        return text;
    }

    private void EmitBuiltin(BuiltinExpr builtin, string path)
    {
        var argumentPath = Join(path, builtin.Name);
        var (prefix, suffix) = builtin.Name switch
        {
            "fn::toJSON" => ("pulumi.jsonStringify(pulumi.output(", "))"),
            "fn::secret" => ("pulumi.secret(", ")"),
            "fn::unsecret" => ("pulumi.unsecret(pulumi.output(", "))"),
            "fn::readFile" => ("yaml.readFile(", ")"),
            "fn::toBase64" => ("yaml.toBase64(", ")"),
            "fn::fromBase64" => ("yaml.fromBase64(", ")"),
            "fn::sha1" => ("yaml.sha1(", ")"),
            "fn::fileArchive" => ("new pulumi.asset.FileArchive(", ")"),
            "fn::remoteArchive" => ("new pulumi.asset.RemoteArchive(", ")"),
            "fn::assetArchive" => ("new pulumi.asset.AssetArchive(", ")"),
            "fn::fileAsset" => ("new pulumi.asset.FileAsset(", ")"),
            "fn::stringAsset" => ("new pulumi.asset.StringAsset(", ")"),
            "fn::remoteAsset" => ("new pulumi.asset.RemoteAsset(", ")"),
            "fn::join" => ("yaml.join(", ")"),
            "fn::select" => ("yaml.select(", ")"),
            "fn::split" => ("yaml.split(", ")"),
            _ => throw new ProgramFormatException($"unsupported built-in function '{builtin.Name}'", builtin.Mark),
        };

        writer.Write(prefix);
        if (builtin.Argument is ListExpr { Items: [var first, var second] } && builtin.Name is "fn::join" or "fn::select" or "fn::split")
        {
            writer.Span(new SourceLocation(entity, argumentPath + "[0]", first.Mark), () => Emit(first, argumentPath + "[0]"));
            writer.Write(", ");
            writer.Span(new SourceLocation(entity, argumentPath + "[1]", second.Mark), () => Emit(second, argumentPath + "[1]"));
        }
        else
        {
            writer.Span(new SourceLocation(entity, argumentPath, builtin.Argument.Mark), () => Emit(builtin.Argument, argumentPath));
        }
        writer.Write(suffix);
    }

    private void EmitInvoke(InvokeExpr invoke, string path)
    {
        var invokePath = Join(path, "fn::invoke");
        var target = TypeTokens.Function(invoke.Function, invoke.FunctionMark);
        writer.WriteTypeReference(invoke.Function, target, new SourceLocation(entity, Join(invokePath, "function"), invoke.FunctionMark), isFunction: true);
        writer.Write("(");
        if (invoke.Arguments is null) writer.Write("{}");
        else EmitObject(invoke.Arguments, Join(invokePath, "arguments"));
        if (invoke.Options is not null)
        {
            writer.Write(", ");
            EmitObject(invoke.Options, Join(invokePath, "options"));
        }
        writer.Write(")");
        if (invoke.Return is not null) writer.Write(Literals.Member(invoke.Return));
    }
}
