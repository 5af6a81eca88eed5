using JasperFx.CommandLine;

namespace Shop.Identity.Tokens;

/// <summary>
/// Adds a new signing key. Running services sign with it within seconds; the previous key stays
/// published until the last token it signed has expired.
/// </summary>
[Description("Rotate the token signing key (the previous key keeps verifying until its tokens expire)", Name = "rotate-key")]
public sealed class RotateKeyCommand : JasperFxCommand<NetCoreInput>
{
    public override bool Execute(NetCoreInput input)
    {
        using var host = input.BuildHost();
        var key = host.Services.GetRequiredService<SigningKeyRing>().Rotate();
        Console.WriteLine($"New signing key {key.KeyId} created at {key.CreatedAt:O}");
        return true;
    }
}
