using JasperFx.CommandLine;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Security;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;

namespace Shop.Identity.Users;

public sealed class AddUserInput : NetCoreInput
{
    [Description("The new user's e-mail address")]
    [FlagAlias("email")]
    public string EmailFlag { get; set; } = "";

    [Description("The name shown for the user (default: the part of the e-mail before @)")]
    [FlagAlias("display-name")]
    public string DisplayNameFlag { get; set; } = "";

    [Description("customer, admin or auditor (default: customer)")]
    [FlagAlias("role")]
    public string RoleFlag { get; set; } = ShopRoles.Customer;
}

/// <summary>
/// Creates an account from the command line, e.g. the first admin. The password comes from the
/// SHOP_USER_PASSWORD environment variable or the first line of standard input, never an argument
/// (arguments end up in shell history and process lists). An existing account is left as it is.
/// </summary>
[Description("Create a user, e.g. the first admin (password from SHOP_USER_PASSWORD or standard input)", Name = "add-user")]
public sealed class AddUserCommand : JasperFxAsyncCommand<AddUserInput>
{
    public const string PasswordVariable = "SHOP_USER_PASSWORD";

    public override async Task<bool> Execute(AddUserInput input)
    {
        var password = Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : await Console.In.ReadLineAsync() ?? "";
        var displayName = input.DisplayNameFlag.Length > 0 ? input.DisplayNameFlag : input.EmailFlag.Split('@')[0];
        var problems = new[]
        {
            CredentialRules.EmailProblem(input.EmailFlag),
            CredentialRules.PasswordProblem(password),
            CredentialRules.DisplayNameProblem(displayName),
            RoleRules.Problem(input.RoleFlag),
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            problems.ForEach(p => Console.Error.WriteLine(p));
            return false;
        }

        using var host = input.BuildHost();
        // Only the messaging runtime is started (not the web server, which may be running elsewhere),
        // so that user.registered leaves through the durable outbox like any other.
        var runtime = (WolverineRuntime)host.Services.GetRequiredService<IWolverineRuntime>();
        await runtime.StartAsync(CancellationToken.None);
        try
        {
            var bus = new MessageContext(runtime);
            await using var session = host.Services.GetRequiredService<OutboxedSessionFactory>().OpenSession(bus);
            var hasher = host.Services.GetRequiredService<PasswordHasher>();
            var registered = await Registration.StartAsync(session, hasher, input.EmailFlag, displayName, password, [input.RoleFlag], CancellationToken.None);
            if (registered is null)
            {
                Console.WriteLine($"A user with e-mail {input.EmailFlag} already exists; nothing changed.");
                return true;
            }

            foreach (var message in IntegrationEvents.For([registered]))
            {
                await bus.PublishAsync(message);
            }

            await session.SaveChangesAsync();
            Console.WriteLine($"Created {input.RoleFlag} {registered.Email} with id {registered.UserId}");
            return true;
        }
        finally
        {
            await runtime.StopAsync(CancellationToken.None);
        }
    }
}
