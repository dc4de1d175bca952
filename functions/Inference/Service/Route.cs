namespace Inference.Service;

public enum RouteKind
{
    NotFound,
    ServerMetadata,
    Live,
    Ready,
    ModelMetadata,
    ModelReady,
    Infer,
    Predict,
    Feedback,
}

/// <summary>An Open Inference Protocol v2 path, split into what it asks for, which model and which version.</summary>
public readonly record struct Route(RouteKind Kind, string? Model = null, string? Version = null)
{
    public string AllowedMethod => Kind is RouteKind.Infer or RouteKind.Predict or RouteKind.Feedback ? "POST" : "GET";

    public static Route Parse(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var segments = (query >= 0 ? path[..query] : path).Trim('/').Split('/');
        if (segments is not ["v2", ..])
        {
            return new Route(RouteKind.NotFound);
        }

        return segments switch
        {
            ["v2"] => new Route(RouteKind.ServerMetadata),
            ["v2", "health", "live"] => new Route(RouteKind.Live),
            ["v2", "health", "ready"] => new Route(RouteKind.Ready),
            ["v2", "models", var m] => new Route(RouteKind.ModelMetadata, m),
            ["v2", "models", var m, "versions", var v] => new Route(RouteKind.ModelMetadata, m, v),
            ["v2", "models", var m, var action] => ModelAction(action, m, null),
            ["v2", "models", var m, "versions", var v, var action] => ModelAction(action, m, v),
            _ => new Route(RouteKind.NotFound),
        };
    }

    private static Route ModelAction(string action, string model, string? version) => action switch
    {
        "ready" => new Route(RouteKind.ModelReady, model, version),
        "infer" => new Route(RouteKind.Infer, model, version),
        "predict" => new Route(RouteKind.Predict, model, version),
        "feedback" when version is null => new Route(RouteKind.Feedback, model),
        _ => new Route(RouteKind.NotFound),
    };
}
