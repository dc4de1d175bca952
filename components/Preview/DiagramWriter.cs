using System.Text;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Preview;

/// <summary>
/// The architecture as a Graphviz DOT graph: a cluster per component (nested like the components),
/// a node per resource, and an arrow per reference, labelled with the input that holds it.
/// </summary>
public static class DiagramWriter
{
    public static string Dot(ProgramGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var dot = new StringBuilder();
        dot.AppendLine($"digraph {Quote(graph.Stack.ProjectName + "-" + graph.Stack.StackName)} {{");
        dot.AppendLine("  rankdir=LR; compound=true; fontname=\"Helvetica\"; fontsize=12;");
        dot.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f7fa\", fontname=\"Helvetica\", fontsize=10];");
        dot.AppendLine("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#667788\"];");
        WriteScope(dot, graph, "", 1);
        foreach (var edge in graph.Edges.OrderBy(e => e.From.LogicalName, StringComparer.Ordinal).ThenBy(e => e.To.LogicalName, StringComparer.Ordinal).ThenBy(e => e.Property, StringComparer.Ordinal))
        {
            var style = edge.Property == "dependsOn" ? ", style=dashed" : "";
            dot.AppendLine($"  {Quote(edge.From.LogicalName)} -> {Quote(edge.To.LogicalName)} [label={Quote(edge.Property)}{style}];");
        }

        dot.AppendLine("}");
        return dot.ToString();
    }

    private static void WriteScope(StringBuilder dot, ProgramGraph graph, string path, int depth)
    {
        var indent = new string(' ', 2 * depth);
        foreach (var resource in graph.Stack.Resources.Where(r => r.Scope.Path == path).OrderBy(r => r.LogicalName, StringComparer.Ordinal))
        {
            dot.AppendLine($"{indent}{Quote(resource.LogicalName)} [label={Quote(resource.LogicalName + "\n" + StackPlan.ShortType(resource.TypeToken))}, fillcolor={Quote(FillOf(resource.TypeToken))}];");
        }

        var children = graph.Stack.Components
            .Where(c => Parent(c.Path) == path)
            .OrderBy(c => c.Path, StringComparer.Ordinal);
        foreach (var component in children)
        {
            dot.AppendLine($"{indent}subgraph {Quote("cluster_" + component.Path)} {{");
            dot.AppendLine($"{indent}  label={Quote(component.Path + " (" + component.ComponentType + ")")}; style=\"rounded\"; color=\"#99aabb\";");
            WriteScope(dot, graph, component.Path, depth + 1);
            dot.AppendLine($"{indent}}}");
        }
    }

    /// <summary>A colour per service, so the functions, the API, storage and keys stand out.</summary>
    private static string FillOf(string typeToken) => typeToken.Split(':')[1].Split('/')[0] switch
    {
        "lambda" => "#fde2c4",
        "apigateway" => "#e6dcf5",
        "wafv2" => "#f8d7da",
        "s3" or "ecr" => "#d4edda",
        "sqs" or "sns" => "#fff3cd",
        "dynamodb" => "#d1ecf1",
        "kms" => "#f5c6cb",
        "cloudwatch" => "#fce4ec",
        _ => "#f5f7fa",
    };

    private static string Parent(string path) => path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : "";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
