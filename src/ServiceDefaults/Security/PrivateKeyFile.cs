using System.Text;

namespace Shop.ServiceDefaults.Security;

/// <summary>A private key's PEM file, as the services that generate their own keys write it.</summary>
public static class PrivateKeyFile
{
    /// <summary>
    /// Writes the file whole and readable by its owner only: under a temporary name that no key
    /// lookup matches, then renamed. Services starting at once share the directory, and one that reads
    /// it while another writes must find the whole key or none, never half a file.
    /// </summary>
    public static void Write(string path, string pem)
    {
        var written = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var file = new FileStream(written, options))
            {
                file.Write(Encoding.ASCII.GetBytes(pem));
                // On disk before the rename: a crash never leaves an empty key under the real name.
                file.Flush(flushToDisk: true);
            }

            File.Move(written, path);
        }
        catch
        {
            File.Delete(written);
            throw;
        }
    }
}
