namespace LambdaEmulator;

/// <summary>
/// The last lines a child process wrote (stdout and stderr together), kept for error messages;
/// optionally echoed as they arrive. Safe to feed from both output events at once.
/// </summary>
public sealed class OutputTail(int capacity, TextWriter? echo = null)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Takes one line from <c>OutputDataReceived</c>/<c>ErrorDataReceived</c>; null (end of stream) is ignored.</summary>
    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }

            echo?.WriteLine(line);
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join('\n', _lines);
        }
    }
}
