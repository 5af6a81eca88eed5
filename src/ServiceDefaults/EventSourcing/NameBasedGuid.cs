using System.Security.Cryptography;
using System.Text;

namespace Shop.ServiceDefaults.EventSourcing;

/// <summary>
/// RFC 9562 version 5 (name-based, SHA-1) UUIDs: the same namespace and name always give the same
/// id, which is how a retried or redelivered message finds the stream its first delivery created.
/// </summary>
public static class NameBasedGuid
{
    public static Guid Create(Guid @namespace, string name)
    {
        var bytes = SHA1.HashData([.. @namespace.ToByteArray(bigEndian: true), .. Encoding.UTF8.GetBytes(name)]);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes.AsSpan(0, 16), bigEndian: true);
    }
}
