using System.Reflection;
using System.Runtime.Loader;

namespace CacheBenchmark;

/// <summary>
/// An inference service from either this build of the library or a previous one (loaded side by side in its own
/// load context), called the same way through reflection so every variant pays the same calling cost.
/// </summary>
internal sealed class ReflectedService : IDisposable
{
    private readonly object _service;
    private readonly MethodInfo _handle;
    private readonly ConstructorInfo _request;
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    private ReflectedService(object service, Assembly library, string contentType)
    {
        _service = service;
        _handle = service.GetType().GetMethod("HandleAsync")!;
        // Inference.Hosting before issue 17's renames, Inference.Service after.
        _request = (library.GetType("Inference.Service.InferenceRequest") ?? library.GetType("Inference.Hosting.InferenceRequest"))!.GetConstructors().Single(c => c.GetParameters().Length == 5);
        _headers["Content-Type"] = contentType;
    }

    /// <param name="cacheEntries">null leaves the cache options out (the previous library has none).</param>
    public static async Task<ReflectedService> CreateAsync(Assembly library, string modelDirectory, string model, string contentType, int? cacheEntries)
    {
        var optionsType = library.GetType("Inference.Service.InferenceOptions")!;
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("ModelDirectory")!.SetValue(options, modelDirectory);
        optionsType.GetProperty("ModelName")!.SetValue(options, model);
        optionsType.GetProperty("IntraOpThreads")!.SetValue(options, 1);
        if (cacheEntries is { } entries)
        {
            var cacheProperty = optionsType.GetProperty("Cache")!;
            var cache = Activator.CreateInstance(cacheProperty.PropertyType)!;
            cacheProperty.PropertyType.GetProperty("MaxEntries")!.SetValue(cache, entries);
            cacheProperty.SetValue(options, cache);
        }

        // CreateAsync since issue 17; a previous library may have the synchronous Create.
        var factory = library.GetType("Inference.Service.InferenceServiceFactory")!;
        var create = factory.GetMethod("CreateAsync") ?? factory.GetMethod("Create")!;
        var arguments = create.GetParameters().Select(p => p.Position switch { 0 => options, 1 => TextWriter.Null, _ => p.HasDefaultValue ? p.DefaultValue : null }).ToArray();
        var created = create.Invoke(null, arguments)!;
        if (created is Task task)
        {
            await task.ConfigureAwait(false);
            created = task.GetType().GetProperty("Result")!.GetValue(task)!;
        }

        return new ReflectedService(created, library, contentType);
    }

    /// <summary>Loads a previous build's Inference.dll; every other assembly is shared with this process.</summary>
    public static Assembly LoadPrevious(string path) => new PreviousLibraryContext(Path.GetFullPath(path)).LoadFromAssemblyPath(Path.GetFullPath(path));

    public async Task<int> PostAsync(string path, byte[] body, string requestId)
    {
        var request = _request.Invoke([ "POST", path, _headers, new ReadOnlyMemory<byte>(body), requestId ]);
        var task = (Task)_handle.Invoke(_service, [request, CancellationToken.None])!;
        await task.ConfigureAwait(false);
        var response = task.GetType().GetProperty("Result")!.GetValue(task)!;
        return (int)response.GetType().GetProperty("StatusCode")!.GetValue(response)!;
    }

    public void Dispose() => (_service as IDisposable)?.Dispose();

    private sealed class PreviousLibraryContext(string libraryPath) : AssemblyLoadContext("previous-inference")
    {
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == "Inference" ? LoadFromAssemblyPath(libraryPath) : null;
    }
}
