using System.Diagnostics;
using Infra.Local.StackReading;
using LambdaEmulator;

namespace Infra.Local.Batch;

/// <summary>
/// AWS Batch locally: each input of a batch runs as one job of the function's batch-job mode
/// (<c>--batch-job s3://&lt;input bucket&gt;/&lt;key&gt;</c>, functions/InferenceFunction/Jobs), a process of the same
/// published build with the job definition's variables, so records and the predictions log are written by the same code
/// as in AWS. A job that exits non-zero (it could not record its input: locally there is no dead-letter queue to send it
/// to) or outlives the job timeout is retried by the pipeline, then dead-lettered with the job's last line as the reason.
/// </summary>
/// <param name="output">Where the jobs' own output is appended (the component's function log); null keeps only each job's last lines.</param>
public sealed class BatchJobDelivery(LocalFunction job, string inputBucket, TextWriter? output) : IBatchDelivery
{
    private const int KeptLines = 40;

    public async Task<IReadOnlyDictionary<string, string>> DeliverAsync(IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var delivery in batch)
        {
            if (await RunAsync(delivery.Input.Key, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failures[delivery.MessageId] = failure;
            }
        }

        return failures;
    }

    /// <returns>Null when the job exited 0, otherwise why it failed.</returns>
    private async Task<string?> RunAsync(string key, CancellationToken cancellationToken)
    {
        var definition = FunctionDefinition.ForPublishedFunction(job.Executable, job.Environment);
        var start = new ProcessStartInfo(definition.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in definition.Arguments.Append("--batch-job").Append($"s3://{inputBucket}/{key}"))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in job.Environment)
        {
            start.Environment[name] = value;
        }

        var lines = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > KeptLines)
                {
                    lines.Dequeue();
                }

                output?.WriteLine(line);
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(job.TimeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return $"The batch job for {key} ran past its timeout ({job.TimeoutSeconds} s) and was stopped.";
        }

        if (process.ExitCode == 0)
        {
            return null;
        }

        string[] kept;
        lock (lines)
        {
            kept = [.. lines];
        }

        // The job's own account of the failure: its last "batch job <id>: ..." line, else its last line.
        var last = kept.LastOrDefault(l => l.StartsWith("batch job ", StringComparison.Ordinal)) ?? kept.LastOrDefault(l => l.Trim().Length > 0) ?? "(no output)";
        return $"The batch job for {key} exited with code {process.ExitCode}: {last.Trim()}";
    }
}
