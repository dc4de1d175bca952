using SchemaCheck.Checking;

// dotnet SchemaCheck.dll [--keep] [--node-dir DIR] PROGRAM.yaml|json...
// Exit code: 0 when every program passes, 1 when one fails, 2 when the check cannot run.
var files = new List<string>();
var keep = false;
string? nodeDirectory = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--keep":
            keep = true;
            break;
        case "--node-dir" when i + 1 < args.Length:
            nodeDirectory = args[++i];
            break;
        case "-h" or "--help":
            PrintUsage(Console.Out);
            return 0;
        default:
            if (args[i].StartsWith('-')) return UsageError($"unknown option '{args[i]}'");
            files.Add(args[i]);
            break;
    }
}
if (files.Count == 0) return UsageError("no program files given");

try
{
    var checker = new SchemaChecker(new SchemaCheckOptions { NodeProjectDirectory = nodeDirectory, KeepGeneratedFiles = keep });
    var report = checker.CheckFiles(files);
    ReportPrinter.Print(report, Console.Out);
    return report.Passed ? 0 : 1;
}
catch (Exception error) when (error is InvalidOperationException or IOException)
{
    Console.Error.WriteLine($"schema check: {error.Message}");
    return 2;
}

static int UsageError(string message)
{
    Console.Error.WriteLine($"schema check: {message}");
    PrintUsage(Console.Error);
    return 2;
}

static void PrintUsage(TextWriter output)
{
    output.WriteLine("usage: dotnet SchemaCheck.dll [--keep] [--node-dir DIR] PROGRAM.yaml|json...");
    output.WriteLine("Type-checks synthesized Pulumi YAML programs against the pinned @pulumi/aws and @pulumi/awsx types.");
    output.WriteLine("  --keep          keep the generated TypeScript and print where it is");
    output.WriteLine("  --node-dir DIR  the SchemaCheck source folder (package.json, checker/); default: the one built from");
}
