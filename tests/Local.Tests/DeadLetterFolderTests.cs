using Infra.Local.Batch;

namespace Local.Tests;

/// <summary>Where the dead-letter folder keeps an input: under its key, or, for a key that cannot be a path, by its hash.</summary>
public sealed class DeadLetterFolderTests : IDisposable
{
    private readonly TempFolder _root = new("dead-letter-");

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("../x.png")]
    [InlineData("incoming/../../../../../../../x.png")]
    [InlineData("incoming/..")]
    [InlineData("./x.png")]
    [InlineData("incoming//x.png")]
    [InlineData("/etc/x.png")]
    [InlineData("incoming\\..\\..\\x.png")]
    [InlineData("")]
    public void A_key_that_cannot_be_a_path_is_kept_under_refused_keys_inside_the_folder(string key)
    {
        var folder = new DeadLetterFolder(Path.Combine(_root.Path, "a", "dead-letter"));

        var path = folder.InputPath(key);

        Assert.Equal(Path.Combine(folder.Path, "refused-keys"), Path.GetDirectoryName(path));
        Assert.Matches("^[0-9a-f]{64}$", Path.GetFileName(path));
        Assert.NotEqual(path, folder.InputPath(key + "y"));
    }

    [Fact]
    public void A_plain_key_is_kept_under_itself()
    {
        var folder = new DeadLetterFolder(Path.Combine(_root.Path, "dead-letter"));

        Assert.Equal(Path.Combine(folder.Path, "incoming", "a b", "x.png"), folder.InputPath("incoming/a b/x.png"));
        Assert.True(Directory.Exists(Path.Combine(folder.Path, "incoming", "a b")));
    }
}
