namespace Infra.Local.Lambda;

/// <summary>
/// One append-only log file per function, <c>&lt;directory&gt;/&lt;function path with '-'&gt;.log</c>, shared by all its
/// processes: the function's own JSON lines (requests, shadow calls, model loads, with their EMF metrics), as CloudWatch
/// Logs would receive them. Each line is written whole under the writer's lock and flushed, so a reader sees complete lines.
/// </summary>
public sealed class FunctionLogs(string? directory) : ILocalService
{
    private readonly Dictionary<string, LogFile> _writers = new(StringComparer.Ordinal);

    /// <returns>The function's log writer, or null when no directory is configured.</returns>
    public TextWriter? For(string functionPath)
    {
        if (directory is null)
        {
            return null;
        }

        lock (_writers)
        {
            if (!_writers.TryGetValue(functionPath, out var writer))
            {
                Directory.CreateDirectory(directory);
                _writers[functionPath] = writer = new LogFile(Path.Combine(directory, functionPath.Replace('/', '-') + ".log"));
            }

            return writer;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        lock (_writers)
        {
            foreach (var writer in _writers.Values)
            {
                writer.Dispose();
            }

            _writers.Clear();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Appends whole lines under a lock. A line that arrives after serve closed the file (a process's last output racing its
    /// stop) is dropped: the output event that delivers it must not throw.
    /// </summary>
    private sealed class LogFile(string path) : TextWriter
    {
        private readonly StreamWriter _file = new(path, append: true) { AutoFlush = true };
        private readonly Lock _lock = new();
        private bool _closed;

        public override System.Text.Encoding Encoding => _file.Encoding;

        public override void Write(char value) => Append(value.ToString());

        public override void Write(string? value) => Append(value);

        public override void WriteLine(string? value) => Append(value + _file.NewLine);

        private void Append(string? text)
        {
            lock (_lock)
            {
                if (!_closed)
                {
                    _file.Write(text);
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            lock (_lock)
            {
                if (disposing && !_closed)
                {
                    _closed = true;
                    _file.Dispose();
                }
            }

            base.Dispose(disposing);
        }
    }
}
