using Inference.Service;

namespace InferenceServer;

/// <summary>
/// The service once it is built and warm. Kestrel listens before the models load, so that /ping can say "not yet"
/// (SageMaker polls it from soon after the container starts); until then every route but /ping answers 503.
/// </summary>
internal sealed class ServiceState
{
    private IInferenceService? _service;

    /// <summary>The warm service, or null while the models load.</summary>
    public IInferenceService? Ready => Volatile.Read(ref _service);

    public void MarkReady(IInferenceService service) => Volatile.Write(ref _service, service);
}
