using System.Text.Json;
using System.Text.RegularExpressions;

namespace AwsSemantics.Tests.Catalog;

/// <summary>
/// The AWS service API models (npm <c>aws-sdk</c> v2's apis/*.min.json), for Step Functions' AWS SDK integrations
/// (<c>arn:aws:states:::aws-sdk:serviceName:apiAction</c>): the service name is the SDK for Java 2.x client's name in
/// lower case, i.e. the model's <c>serviceId</c> without spaces (<c>"ACM PCA"</c> → <c>acmpca</c>), and the action is
/// an operation of that model in camelCase. The v2 models stopped growing in 2025: a newer service is missing here.
/// </summary>
public sealed partial class SdkCatalog
{
    private readonly Dictionary<string, string> _modelByService;
    private readonly Dictionary<string, HashSet<string>> _operations = new(StringComparer.Ordinal);

    private static readonly Lazy<SdkCatalog> Shared = new(() => new SdkCatalog(Path.Combine(CatalogNode.Modules, "aws-sdk", "apis")));

    private SdkCatalog(string apis)
    {
        // The metadata block opens each model file, so the first bytes give the service id and API version.
        _modelByService = Directory.GetFiles(apis, "*.min.json")
            .Select(file => (file, head: ReadHead(file)))
            .Select(m => (m.file, id: ServiceId().Match(m.head), version: ApiVersion().Match(m.head)))
            .Where(m => m.id.Success && m.version.Success)
            .GroupBy(m => m.id.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.MaxBy(m => m.version.Groups[1].Value, StringComparer.Ordinal).file, StringComparer.Ordinal);
    }

    public static SdkCatalog Instance => Shared.Value;

    public bool ServiceExists(string sdkService) => _modelByService.ContainsKey(sdkService);

    public bool ApiExists(string sdkService, string apiAction)
    {
        if (!_modelByService.TryGetValue(sdkService, out var model) || apiAction.Length == 0 || !char.IsLower(apiAction[0])) return false;
        lock (_operations)
        {
            if (!_operations.TryGetValue(sdkService, out var operations))
            {
                using var document = JsonDocument.Parse(File.ReadAllText(model));
                operations = [.. document.RootElement.GetProperty("operations").EnumerateObject().Select(o => o.Name)];
                _operations[sdkService] = operations;
            }

            return operations.Contains(char.ToUpperInvariant(apiAction[0]) + apiAction[1..]);
        }
    }

    private static string ReadHead(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[2048];
        var read = stream.Read(buffer, 0, buffer.Length);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    [GeneratedRegex("\"serviceId\":\\s*\"([^\"]+)\"")]
    private static partial Regex ServiceId();

    [GeneratedRegex("\"apiVersion\":\\s*\"([^\"]+)\"")]
    private static partial Regex ApiVersion();
}
