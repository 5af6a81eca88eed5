using System.Security.Claims;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Identity.Users;

/// <summary>The password a customer forgetting their own account must give; an admin forgetting someone else sends none.</summary>
public sealed record ForgetUser(string? Password = null) : IHasExample<ForgetUser>
{
    public static ForgetUser Example => new("correct horse battery staple");
}

/// <summary>
/// The right to be forgotten: an admin, or the customer themselves with their password, erases the
/// account's personal data in every service and closes it for good. Orders, payments and stock stay.
/// </summary>
public static class ForgetEndpoint
{
    public static Decision Decide(User user, Guid by, bool mayForget)
    {
        if (user.Forgotten)
        {
            return Decision.Accept();
        }

        return mayForget
            ? Decision.Accept(new UserForgotten(user.Id, by))
            : Decision.Reject(ErrorKind.Invalid, "The password is wrong.", ProblemCodes.WrongCurrentPassword);
    }

    [WolverinePost("/users/{id}/forget", OperationId = "forgetUser")]
    [EndpointSummary("Forget a user: erase their personal data everywhere and close the account for good (admins; customers for themselves, with their password)."),
        ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK), ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public static Task<IResult> Post(Guid id, ForgetUser? command, ClaimsPrincipal caller, IDocumentSession session, PasswordHasher hasher, IMessageBus bus, HttpContext http)
    {
        var self = caller.UserId() == id;
        if (!self && !caller.IsInRole(ShopRoles.Admin))
        {
            // Someone else's account is not theirs to learn about.
            return Task.FromResult(Problems.NotFound("User"));
        }

        if (self && string.IsNullOrEmpty(command?.Password))
        {
            return Task.FromResult(Problems.BadRequest("password", "Give your password to forget your own account."));
        }

        return session.DecideAsync(id, http, bus, user => Decide(
            user, caller.UserId(), !self || hasher.Verify(user.PasswordHash, command?.Password ?? "").Valid));
    }
}

/// <summary>
/// A forget erases in the transaction that records it, whichever command appended it: the user's key
/// goes, so every sealed e-mail and name of theirs reads as erased, and their e-mail claim goes, so the
/// address can open a new, unrelated account.
/// </summary>
public sealed class Erasure : EventProjection
{
    private readonly PersonalDataKeys keys;

    public Erasure(PersonalDataKeys keys)
    {
        this.keys = keys;
        IncludeType<UserForgotten>();
    }

    public override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
    {
        if (e.Data is UserForgotten forgotten)
        {
            keys.Forget(operations, forgotten.UserId);
            operations.DeleteWhere<UniqueValue>(v => v.StreamId == forgotten.UserId);
        }

        return ValueTask.CompletedTask;
    }
}
