namespace InferenceFunction.Events;

/// <summary>Which inference route an input object goes to, by its suffix, else by its stored content type.</summary>
public static class BatchRoutes
{
    public sealed record Route(string Path, string ContentType)
    {
        /// <summary>Images go to /predict, which the batch handler runs as one micro-batched call.</summary>
        public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);
    }

    public static Route? RouteFor(string key, string? storedContentType, string modelName)
    {
        var contentType = Path.GetExtension(key).ToLowerInvariant() switch
        {
            ".json" => "application/json",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".webp" => "image/webp",
            _ => storedContentType?.Split(';', 2)[0].Trim().ToLowerInvariant(),
        };
        var model = Uri.EscapeDataString(modelName);
        return contentType switch
        {
            "application/json" => new Route($"/v2/models/{model}/infer", contentType),
            "image/jpeg" or "image/png" or "image/webp" => new Route($"/v2/models/{model}/predict", contentType),
            _ => null,
        };
    }
}
