namespace Infra.Components;

/// <summary>
/// One route of a REST API: a short kebab-case name (it names the route's resources), the HTTP
/// method and the path, with <c>{parameters}</c>. A JSON schema, when given, is the request
/// validator's model for <c>application/json</c> bodies.
/// </summary>
public sealed record ApiRoute(string Name, string HttpMethod, string Path, string? JsonBodySchema = null)
{
    /// <summary>
    /// The inference function's routes (Open Inference Protocol v2 plus the image endpoint). They
    /// are listed one by one rather than as a greedy <c>{proxy+}</c>, so that API Gateway answers
    /// unknown paths itself (without invoking the function) and each route has its own metrics,
    /// validator and permission.
    /// </summary>
    public static IReadOnlyList<ApiRoute> Inference { get; } =
    [
        new("health-live", "GET", "/v2/health/live"),
        new("health-ready", "GET", "/v2/health/ready"),
        new("model", "GET", "/v2/models/{name}"),
        new("infer", "POST", "/v2/models/{name}/infer", InferRequestSchema),
        new("predict", "POST", "/v2/models/{name}/predict"),
        new("feedback", "POST", "/v2/models/{name}/feedback", FeedbackSchema),
    ];

    /// <summary>
    /// The function alias this route invokes, instead of the endpoint's <see cref="RestApiEndpointArgs.Target"/>: a
    /// router sends each model's routes to that model's own function.
    /// </summary>
    public LambdaAliasTarget? Target { get; init; }

    /// <summary>The path's <c>{name}</c> parameters, without braces.</summary>
    public IEnumerable<string> PathParameters =>
        Segments.Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}').TrimEnd('+'));

    internal IReadOnlyList<string> Segments => Path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The path as it appears in an execute-api ARN: every parameter becomes <c>*</c>.</summary>
    internal string ArnPath => "/" + string.Join("/", Segments.Select(s => s.StartsWith('{') ? "*" : s));

    // Ground truth for a logged prediction; the function checks the label or value against the model.
    private const string FeedbackSchema = """
        {
          "$schema": "http://json-schema.org/draft-04/schema#",
          "title": "FeedbackRequest",
          "type": "object",
          "required": ["requestId"],
          "properties": {
            "requestId": { "type": "string", "minLength": 1 },
            "label": { "type": "string" },
            "value": { "type": "number" }
          }
        }
        """;

    // The structure of an OIP v2 infer request; the function itself checks names, shapes and types.
    private const string InferRequestSchema = """
        {
          "$schema": "http://json-schema.org/draft-04/schema#",
          "title": "InferRequest",
          "type": "object",
          "required": ["inputs"],
          "properties": {
            "id": { "type": "string" },
            "inputs": {
              "type": "array",
              "minItems": 1,
              "items": {
                "type": "object",
                "required": ["name", "shape", "datatype", "data"],
                "properties": {
                  "name": { "type": "string" },
                  "shape": { "type": "array", "items": { "type": "integer", "minimum": 0 } },
                  "datatype": { "type": "string" },
                  "data": { "type": "array" },
                  "parameters": { "type": "object" }
                }
              }
            },
            "outputs": { "type": "array" },
            "parameters": { "type": "object" }
          }
        }
        """;
}
