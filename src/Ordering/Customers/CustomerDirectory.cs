using System.Net;
using Shop.ServiceDefaults.Downstream;

namespace Shop.Ordering.Customers;

public enum CustomerStanding
{
    Active,
    Inactive,
    Unavailable,
}

/// <summary>Asks Identity, with the caller's own token, whether the customer's account is active.</summary>
public sealed class CustomerDirectory(HttpClient http, ILogger<CustomerDirectory> log)
{
    private sealed record Status(Guid Id, bool Active);

    public async Task<CustomerStanding> StandingAsync(Guid customerId, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync($"users/{customerId}/status", ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return CustomerStanding.Inactive;
            }

            response.EnsureSuccessStatusCode();
            var status = await response.Content.ReadFromJsonAsync<Status>(ct);
            return status is { Active: true } && status.Id == customerId ? CustomerStanding.Active : CustomerStanding.Inactive;
        }
        catch (Exception e) when (DownstreamClients.IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Identity did not answer for customer {CustomerId}", customerId);
            return CustomerStanding.Unavailable;
        }
    }
}
