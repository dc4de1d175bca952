namespace InferenceFunction.Tests.Fuzz;

/// <summary>
/// The committed bad-event corpus (Fuzz/Corpus/*.json): each file goes through the dispatcher and must get its
/// typed answer, the one Fuzz/Corpus/expected.txt lists for it ("name answer" per line).
/// </summary>
public sealed class EventCorpusTests : IDisposable
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");
    private readonly DispatchOutcome _outcome = new();

    public void Dispose() => _outcome.Dispose();

    private static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder, "*.json").Select(file => Path.GetFileNameWithoutExtension(file)!).Order(StringComparer.Ordinal);

    public static TheoryData<string> Cases => [.. Names()];

    private static Dictionary<string, string> Expected() => File.ReadAllLines(Path.Combine(Folder, "expected.txt"))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(' ', 2))
        .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    [Fact]
    public void Every_corpus_file_has_an_expected_answer_and_every_answer_a_file()
    {
        var files = Names().ToHashSet(StringComparer.Ordinal);

        Assert.Equal(files.Order(StringComparer.Ordinal), Expected().Keys.Order(StringComparer.Ordinal));
        Assert.True(files.Count >= 20, $"{files.Count} corpus files");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Corpus_event_gets_its_typed_answer(string name)
    {
        var answer = await _outcome.AssertHandledAsync(await File.ReadAllBytesAsync(Path.Combine(Folder, name + ".json")));

        Assert.Equal(Expected().GetValueOrDefault(name), answer);
    }
}
