using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Tests;

public sealed class when_a_start_picks_its_jit_profile : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-jit-profiles-");

    [Fact]
    public void a_first_start_has_nothing_to_play_and_records_under_its_build()
    {
        var file = JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");

        file.ShouldBe("ordering-build1.jitprofile");
        _directory.GetFiles().ShouldBeEmpty();
    }

    [Fact]
    public void the_profile_of_a_run_that_served_nothing_does_not_replace_a_larger_one()
    {
        Write("ordering-build1.jitprofile", 1_000);
        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");
        Write("ordering-build1.jitprofile", 100);

        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");

        Length("ordering-build1.jitprofile").ShouldBe(1_000);
    }

    [Fact]
    public void a_larger_profile_replaces_the_kept_one()
    {
        Write("ordering-build1.jitprofile", 1_000);
        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");
        Write("ordering-build1.jitprofile", 2_000);

        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");
        Write("ordering-build1.jitprofile", 100);
        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build1");

        Length("ordering-build1.jitprofile").ShouldBe(2_000);
    }

    [Fact]
    public void profiles_of_another_build_are_removed_and_other_services_kept()
    {
        Write("ordering-build1.jitprofile", 1_000);
        Write("ordering-build1.jitprofile.kept", 1_000);
        Write("payments-build1.jitprofile", 1_000);

        JitProfileFiles.Prepare(_directory.FullName, "ordering", "build2");

        _directory.GetFiles().Select(f => f.Name).ShouldBe(["payments-build1.jitprofile"]);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private void Write(string name, int length) => File.WriteAllBytes(Path.Combine(_directory.FullName, name), new byte[length]);

    private long Length(string name) => new FileInfo(Path.Combine(_directory.FullName, name)).Length;
}
