namespace Infra.Local;

/// <summary>
/// A part of local mode (a function pool, the API front, the measurements writer, ...). <c>serve</c>
/// starts its services in order and stops them in reverse order.
/// </summary>
public interface ILocalService : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);
}
