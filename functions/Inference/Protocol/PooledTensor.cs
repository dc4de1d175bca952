using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Protocol;

/// <summary>An ORT tensor over a rented array: request tensors reuse memory instead of allocating per request.</summary>
public sealed class PooledTensor : IDisposable
{
    private readonly Action _returnBuffer;

    private PooledTensor(OrtValue value, Action returnBuffer)
    {
        Value = value;
        _returnBuffer = returnBuffer;
    }

    public OrtValue Value { get; }

    public static PooledTensor Create<T>(T[] rented, int length, long[] shape)
        where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, rented.AsMemory(0, length), shape);
        return new PooledTensor(value, () => ArrayPool<T>.Shared.Return(rented));
    }

    public void Dispose()
    {
        Value.Dispose();
        _returnBuffer();
    }
}
