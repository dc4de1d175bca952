using Inference.Contracts;
using Microsoft.ML.OnnxRuntime;

namespace Inference.Sessions;

/// <summary>A model whose ONNX Runtime sessions are open, checked against its model.json.</summary>
public sealed class LoadedModel : IDisposable
{
    private readonly string[] _inputNames;
    private readonly string[] _preprocessInputNames;
    private readonly string[] _preprocessOutputNames;
    private long _runs;

    public LoadedModel(ModelDefinition definition, InferenceSession session, InferenceSession? preprocessSession)
    {
        Definition = definition;
        Session = session;
        PreprocessSession = preprocessSession;
        _inputNames = [.. definition.Inputs.Select(i => i.Name)];
        CheckDeclaredTensors("inputs", definition.Inputs, session.InputMetadata);
        CheckDeclaredTensors("outputs", definition.Outputs, session.OutputMetadata);
        if (preprocessSession is null)
        {
            _preprocessInputNames = _preprocessOutputNames = [];
            return;
        }

        CheckPreprocessGraph(preprocessSession);
        _preprocessInputNames = [preprocessSession.InputNames[0]];
        _preprocessOutputNames = [preprocessSession.OutputNames[0]];
    }

    public ModelDefinition Definition { get; }

    /// <summary>The model's own session: the "bare InferenceSession.Run" baseline for benchmarks.</summary>
    public InferenceSession Session { get; }

    public InferenceSession? PreprocessSession { get; }

    public IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>How many times <see cref="Run"/> ran the model's session (micro-batching runs it once per chunk).</summary>
    public long RunCount => Interlocked.Read(ref _runs);

    /// <summary>Runs the model's session; cancelling <paramref name="cancellationToken"/> stops the run (see <see cref="RunStoppable"/>).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        return RunStoppable(Session, inputNames, inputs, outputNames, cancellationToken);
    }

    /// <summary>Runs the preprocessing graph, when there is one, on an image tensor shaped as model.json's preprocessing says.</summary>
    public IDisposableReadOnlyCollection<OrtValue>? RunPreprocessGraph(OrtValue imageTensor, CancellationToken cancellationToken) =>
        PreprocessSession is null ? null : RunStoppable(PreprocessSession, _preprocessInputNames, [imageTensor], _preprocessOutputNames, cancellationToken);

    public void Dispose()
    {
        Session.Dispose();
        PreprocessSession?.Dispose();
    }

    /// <summary>
    /// One run with its own RunOptions, whose Terminate flag the token sets: ONNX Runtime checks it before each operator
    /// and ends the run with an error, so a request abandoned at its deadline stops using the vCPU within one operator
    /// instead of running to the end behind the next requests. The flag ends every run made with the same options
    /// (ONNX Runtime's RunOptionsSetTerminate), hence options of its own for each run: other runs of the session go on.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
    private static IDisposableReadOnlyCollection<OrtValue> RunStoppable(InferenceSession session, IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var options = new RunOptions();
        // Disposed before the options (reverse order), and Dispose waits for a callback already running: Terminate is never
        // set on freed options, and the options live until Run has returned.
        using var stop = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, options);
        try
        {
            return session.Run(options, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException stopped) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The model run was stopped because its request was cancelled.", stopped, cancellationToken);
        }
    }

    private void CheckDeclaredTensors(string field, IReadOnlyList<ModelTensor> declared, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        var described = string.Join(", ", actual.Select(a => $"{a.Key} {a.Value.ElementDataType} [{string.Join(",", a.Value.Dimensions)}]"));
        if (declared.Count != actual.Count)
        {
            Fail($"{field}", $"{declared.Count} tensors", $"the ONNX file has {actual.Count}: {described}");
        }

        for (var i = 0; i < declared.Count; i++)
        {
            var spec = declared[i];
            if (!actual.TryGetValue(spec.Name, out var meta))
            {
                Fail($"{field}[{i}].name", spec.Name, $"the ONNX file has: {described}");
            }

            if (!meta.IsTensor || meta.ElementDataType != spec.Datatype.ToOnnx())
            {
                Fail($"{field}[{i}].datatype", spec.Datatype.ToProtocolName(), $"the ONNX file has {meta.ElementDataType} for '{spec.Name}'");
            }

            if (!ShapesCompatible(spec.Shape, meta.Dimensions))
            {
                Fail($"{field}[{i}].shape", $"[{string.Join(",", spec.Shape)}]",
                    $"the ONNX file has [{string.Join(",", meta.Dimensions)}] for '{spec.Name}' (-1 is dynamic; a fixed size must match)");
            }
        }
    }

    private void CheckPreprocessGraph(InferenceSession graph)
    {
        var pre = Definition.Config.Preprocessing!;
        var input = Definition.Inputs[0];
        if (graph.InputMetadata.Count != 1 || graph.OutputMetadata.Count != 1)
        {
            Fail("preprocessing.graph", pre.Graph!, "the graph must have exactly one input and one output");
        }

        var imageShape = pre.Layout == "NCHW"
            ? new long[] { 1, 3, pre.Resize.Height, pre.Resize.Width }
            : [1, pre.Resize.Height, pre.Resize.Width, 3];
        var graphIn = graph.InputMetadata.Values.First();
        var graphOut = graph.OutputMetadata.Values.First();
        if (graphIn.ElementDataType != input.Datatype.ToOnnx() || !ShapesCompatible(imageShape, graphIn.Dimensions))
        {
            Fail("preprocessing.graph", pre.Graph!,
                $"its input is {graphIn.ElementDataType} [{string.Join(",", graphIn.Dimensions)}], not FP32 [{string.Join(",", imageShape)}] from 'preprocessing'");
        }

        if (graphOut.ElementDataType != input.Datatype.ToOnnx() || !ShapesCompatible(input.Shape, graphOut.Dimensions))
        {
            Fail("preprocessing.graph", pre.Graph!,
                $"its output is {graphOut.ElementDataType} [{string.Join(",", graphOut.Dimensions)}], which does not fit input '{input.Name}'");
        }
    }

    /// <summary>A declared -1 must be dynamic in the file too; a declared size must equal a fixed one or narrow a dynamic one.</summary>
    private static bool ShapesCompatible(long[] declared, int[] actual) =>
        declared.Length == actual.Length
        && declared.Zip(actual).All(p => p.Second < 0 || p.First == p.Second);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string field, string value, string allowed)
    {
        Dispose();
        throw new ModelConfigException(Definition.ConfigPath, field, value, "allowed: what the ONNX file declares; " + allowed);
    }
}
