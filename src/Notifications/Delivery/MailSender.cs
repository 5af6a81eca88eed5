using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Shop.Notifications.Delivery;

/// <summary>Sends one e-mail: over SMTP when configured, otherwise into the pickup folder as an .eml file a person can open.</summary>
public sealed class MailSender(DeliverySettings settings)
{
    public async Task SendAsync(Guid id, string to, string toName, string subject, string body, CancellationToken ct)
    {
        using var message = new MimeMessage();
        message.MessageId = $"{id:N}@shop";
        message.From.Add(MailboxAddress.Parse(settings.Sender));
        message.To.Add(new MailboxAddress(toName, to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };

        if (settings.SmtpHost is null)
        {
            Directory.CreateDirectory(settings.PickupDirectory);
            await message.WriteToAsync(Path.Combine(settings.PickupDirectory, $"{id:N}.eml"), ct);
            return;
        }

        using var smtp = new SmtpClient { Timeout = 10_000 };
        await smtp.ConnectAsync(settings.SmtpHost, settings.SmtpPort, SecureSocketOptions.Auto, ct);
        if (settings.SmtpUser is { Length: > 0 })
        {
            await smtp.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", ct);
        }

        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}
