namespace Infra.Local.Batch;

/// <summary>
/// Decides when a listed input is ready to deliver: it passes the notification filter, is not already queued, was not
/// already answered in its current version, and its size and time have stayed unchanged for a while (a file still
/// being written keeps changing).
/// </summary>
public sealed class InputTracker(BatchPipelineSettings settings)
{
    private readonly Dictionary<string, (InputObject Seen, DateTimeOffset Since)> _settling = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InputObject> _answered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    /// <returns>The inputs that became ready; each is claimed until <see cref="Answered"/> or <see cref="Released"/>.</returns>
    public IReadOnlyList<InputObject> Ready(IReadOnlyList<InputObject> listed, DateTimeOffset now)
    {
        var ready = new List<InputObject>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in listed.Where(i => settings.Accepts(i.Key)))
        {
            present.Add(input.Key);
            if (_claimed.Contains(input.Key) || (_answered.TryGetValue(input.Key, out var answered) && SameVersion(answered, input)))
            {
                continue;
            }

            if (!_settling.TryGetValue(input.Key, out var settling) || !SameVersion(settling.Seen, input))
            {
                _settling[input.Key] = (input, now);
            }
            else if (now - settling.Since >= settings.StableFor)
            {
                _settling.Remove(input.Key);
                _claimed.Add(input.Key);
                ready.Add(input);
            }
        }

        // Forget what was removed, so a new file under the same key starts afresh.
        foreach (var gone in _settling.Keys.Concat(_answered.Keys).Where(k => !present.Contains(k)).ToList())
        {
            _settling.Remove(gone);
            _answered.Remove(gone);
        }

        return ready;
    }

    /// <summary>This version of the input has its result: it is not delivered again unless it changes.</summary>
    public void Answered(InputObject input)
    {
        _claimed.Remove(input.Key);
        _answered[input.Key] = input;
    }

    /// <summary>The input left the pipeline (dead-lettered) or must be looked at afresh.</summary>
    public void Released(string key) => _claimed.Remove(key);

    private static bool SameVersion(InputObject a, InputObject b) => a.Size == b.Size && a.LastModified == b.LastModified;
}
