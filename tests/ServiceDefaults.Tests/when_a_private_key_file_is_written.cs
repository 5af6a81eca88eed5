using System.Security.Cryptography;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Tests;

public class when_a_private_key_file_is_written : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("key-files").FullName;

    [Fact]
    public void it_holds_the_whole_key_readable_by_its_owner_only_and_nothing_else_is_left()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var path = Path.Combine(_directory, "key.pem");

        PrivateKeyFile.Write(path, pem);

        File.ReadAllText(path).ShouldBe(pem);
        Directory.GetFiles(_directory).ShouldBe([path]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [Fact]
    public async Task a_process_reading_the_directory_meanwhile_finds_whole_keys_only()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        using var written = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            var read = 0;
            while (!written.IsCancellationRequested || read == 0)
            {
                foreach (var path in Directory.GetFiles(_directory, "*.pem"))
                {
                    File.ReadAllText(path).ShouldBe(pem);
                    read++;
                }
            }

            return read;
        }, TestContext.Current.CancellationToken);
        for (var i = 0; i < 200; i++)
        {
            PrivateKeyFile.Write(Path.Combine(_directory, $"{i}.pem"), pem);
        }

        await written.CancelAsync();
        (await reader).ShouldBePositive();
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
