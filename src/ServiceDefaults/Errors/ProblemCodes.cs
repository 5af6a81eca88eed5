using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults.Errors;

/// <summary>
/// The machine-readable <c>code</c> every problem details answer carries, so a client tells a broken
/// business rule from a concurrency clash or an idempotent request still in progress without reading
/// English. A new code may appear in a later release: clients treat an unknown one by its status.
/// </summary>
public static class ProblemCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string InvalidRequest = "invalid_request";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string ConcurrencyConflict = "concurrency_conflict";
    public const string IdempotencyInProgress = "idempotency_in_progress";
    public const string IdempotencyAnswerLost = "idempotency_answer_lost";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string VersionMismatch = "version_mismatch";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string TooManyFailedLogIns = "too_many_failed_log_ins";
    public const string InternalError = "internal_error";
    public const string ServiceUnavailable = "service_unavailable";
    public const string AccountDeactivated = "account_deactivated";
    public const string AccountForgotten = "account_forgotten";
    public const string LastAdmin = "last_admin";
    public const string WrongCurrentPassword = "wrong_current_password";
    public const string OrderNotPending = "order_not_pending";
    public const string OrderShipped = "order_shipped";
    public const string OrderNotConfirmed = "order_not_confirmed";
    public const string OrderEmpty = "order_empty";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string OrderLimitExceeded = "order_limit_exceeded";
    public const string ProductDiscontinued = "product_discontinued";
    public const string InsufficientStock = "insufficient_stock";
    public const string ReservationMismatch = "reservation_mismatch";
    public const string RefundExceedsCapture = "refund_exceeds_capture";

    /// <summary>Every code with what it means, as the API reference lists them.</summary>
    public static readonly IReadOnlyList<(string Code, int Status, string Meaning)> All =
    [
        (ValidationFailed, 400, "Fields are missing or malformed; `errors` names each."),
        (InvalidRequest, 400, "The request is well-formed but asks for something impossible (a bad quantity, a past version that is not there)."),
        (Unauthenticated, 401, "No valid access token."),
        (Forbidden, 403, "The token's roles do not allow this."),
        (NotFound, 404, "Not found, or not the caller's to see."),
        (Conflict, 409, "The change conflicts with the resource's state (a duplicate e-mail or SKU, for example)."),
        (ConcurrencyConflict, 409, "Another change to the same resource won the race; read it again and retry."),
        (IdempotencyInProgress, 409, "A request with this Idempotency-Key is still being processed; retry after Retry-After."),
        (IdempotencyAnswerLost, 409, "The request with this Idempotency-Key was carried out, but its answer was lost; read the resource."),
        (IdempotencyKeyReused, 422, "The Idempotency-Key was already used for a different request."),
        (VersionMismatch, 412, "If-Match names a version that is no longer current; nothing was changed."),
        (PayloadTooLarge, 413, "The body is larger than the service accepts."),
        (UnsupportedMediaType, 415, "The body's Content-Type is not one the operation reads."),
        (RateLimited, 429, "Too many requests; retry after Retry-After."),
        (TooManyFailedLogIns, 429, "Too many wrong passwords for the account or from the address; retry after Retry-After."),
        (InternalError, 500, "The service failed; the trace id names the failure in its logs."),
        (ServiceUnavailable, 503, "A service this request needs is unavailable; retry later."),
        (AccountDeactivated, 409, "The account (the caller's, or the one named) is deactivated."),
        (AccountForgotten, 409, "The account was forgotten at its owner's request: it is closed for good, and its personal data erased."),
        (LastAdmin, 409, "The last active admin cannot lose the role or be deactivated."),
        (WrongCurrentPassword, 400, "The current password given for a password change is wrong."),
        (OrderNotPending, 409, "Only a Pending order can be changed or checked out."),
        (OrderShipped, 409, "A shipped order cannot be cancelled."),
        (OrderNotConfirmed, 409, "Only a Confirmed order can ship."),
        (OrderEmpty, 409, "An order without items cannot be checked out."),
        (CurrencyMismatch, 400, "The product is priced in another currency than the order."),
        (OrderLimitExceeded, 400, "Too many of one product, or too many lines, in one order."),
        (ProductDiscontinued, 409, "The product is discontinued."),
        (InsufficientStock, 409, "Not enough of the product is available."),
        (ReservationMismatch, 409, "The order already holds a different reservation of the product, or none."),
        (RefundExceedsCapture, 409, "A refund larger than what was captured and not yet refunded."),
    ];

    /// <summary>The code of an answer that did not name one: the general meaning of its status.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status412PreconditionFailed => VersionMismatch,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status422UnprocessableEntity => IdempotencyKeyReused,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        >= 500 => InternalError,
        _ => InvalidRequest,
    };
}
