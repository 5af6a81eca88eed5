using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// The OWASP API Security Top 10 (2023), item by item, as black-box tests against the running shop:
/// through the gateway, and for tokens also against a service directly.
/// </summary>
[Collection(nameof(TheShop))]
public class SecurityTests(ShopProcesses shop)
{
    private const string OrderingDirect = "http://127.0.0.1:3002/";
    private static readonly HttpClient Direct = new() { Timeout = TimeSpan.FromSeconds(30) };

    // API1: broken object-level authorization.
    [Fact]
    public async Task a_customer_reaches_nothing_of_another_customers_by_id()
    {
        var (owner, ownerId) = await CustomerAsync();
        var (other, _) = await CustomerAsync();
        var order = await OrderAsync(owner);

        foreach (var url in new[] { $"orders/{order}", $"orders/{order}/history", $"orders/{order}/state?version=1", $"users/{ownerId}", $"users/{ownerId}/history", $"users/{ownerId}/state?version=1" })
        {
            (await shop.SendAsync(HttpMethod.Get, url, other)).Status.ShouldBe(404, url);
        }

        (await shop.SendAsync(HttpMethod.Post, $"orders/{order}/cancel", other)).Status.ShouldBe(404);
        (await shop.SendAsync(HttpMethod.Post, $"orders/{order}/checkout", other, new { paymentMethod = "pm_card_visa" })).Status.ShouldBe(404);
        (await shop.SendAsync(HttpMethod.Post, $"orders/{order}/items", other, new { productId = await ProductAsync(), quantity = 1 })).Status.ShouldBe(404);
        (await shop.SendAsync(HttpMethod.Get, $"notifications?customerId={ownerId}", other)).Status.ShouldBe(403);
        var payments = await shop.SendAsync(HttpMethod.Get, $"payments?orderId={order}", other);
        payments.Body.GetProperty("total").GetInt32().ShouldBe(0);
        (await shop.SendAsync(HttpMethod.Get, $"orders/{order}", owner)).Status.ShouldBe(200);
    }

    // API2: broken authentication. Every forged or stale token gets 401 at the gateway and at a service.
    [Fact]
    public async Task every_forged_expired_or_misaddressed_token_is_refused_by_the_gateway_and_by_a_service()
    {
        var (_, id) = await CustomerAsync();
        var key = CurrentSigningKey();
        var now = DateTime.UtcNow;
        var jwks = await Direct.GetStringAsync("http://127.0.0.1:3001/.well-known/jwks.json");
        var attacker = ForgedTokens.NewKey("attacker");
        var cases = new Dictionary<string, string>
        {
            ["alg none"] = ForgedTokens.Unsigned(id),
            ["HS256 keyed with the public key"] = ForgedTokens.Sign(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwks.PadRight(64))) { KeyId = key.KeyId }, id, algorithm: SecurityAlgorithms.HmacSha256),
            ["unknown kid"] = ForgedTokens.Sign(attacker, id),
            ["kid of the real key, signed by another"] = ForgedTokens.Sign(ForgedTokens.NewKey(key.KeyId!), id),
            ["expired"] = ForgedTokens.Sign(key, id, notBefore: now.AddMinutes(-30), expires: now.AddMinutes(-5)),
            ["not yet valid"] = ForgedTokens.Sign(key, id, notBefore: now.AddMinutes(5), expires: now.AddMinutes(20)),
            ["wrong issuer"] = ForgedTokens.Sign(key, id, issuer: "someone-else"),
            ["wrong audience"] = ForgedTokens.Sign(key, id, audience: "another-api"),
            ["id token type"] = ForgedTokens.Sign(key, id, type: "JWT"),
            ["no exp"] = ForgedTokens.SignWithoutExpiry(key, id),
            ["claims changed after signing"] = ForgedTokens.Tampered(ForgedTokens.Sign(key, id), "\"customer\"", "\"admin\""),
        };
        (await StatusAsync(ShopProcesses.Gateway + "orders", ForgedTokens.Sign(key, id))).ShouldBe(200, "the control token is valid");

        foreach (var (name, token) in cases)
        {
            (await StatusAsync(ShopProcesses.Gateway + "orders", token)).ShouldBe(401, $"gateway: {name}");
            (await StatusAsync(OrderingDirect + "orders", token)).ShouldBe(401, $"ordering: {name}");
        }
    }

    // API2 and API7: a token naming where to fetch its key is refused, and nothing fetches that address.
    [Fact]
    public async Task a_token_pointing_at_a_key_url_is_refused_and_the_url_is_never_fetched()
    {
        var (_, id) = await CustomerAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var lure = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/keys";
        var attacker = ForgedTokens.NewKey("attacker");

        foreach (var header in new[] { "jku", "x5u" })
        {
            var token = ForgedTokens.Sign(attacker, id, extraHeader: new Dictionary<string, object> { [header] = lure });
            (await StatusAsync(ShopProcesses.Gateway + "orders", token)).ShouldBe(401, header);
            (await StatusAsync(OrderingDirect + "orders", token)).ShouldBe(401, header);
        }

        listener.Pending().ShouldBeFalse("something fetched the address a token named");
    }

    // API2: deactivation stops a valid token before it expires (bounded by the account-status cache).
    [Fact]
    public async Task a_deactivated_customers_token_stops_working_everywhere()
    {
        var (token, id) = await CustomerAsync();
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        (await StatusAsync(ShopProcesses.Gateway + "orders", token)).ShouldBe(200);

        (await shop.SendAsync(HttpMethod.Post, $"users/{id}/deactivate", admin)).Status.ShouldBe(200);

        (await StatusAsync("http://127.0.0.1:3001/users/me", token)).ShouldBe(401, "Identity reads the account itself");
        await Eventually.ValueAsync(() => StatusAsync(ShopProcesses.Gateway + "orders", token), s => s == 401, TimeSpan.FromSeconds(30), "the gateway refusing the token");
        await Eventually.ValueAsync(() => StatusAsync(OrderingDirect + "orders", token), s => s == 401, TimeSpan.FromSeconds(30), "Ordering refusing the token");
    }

    // Identity dates each key by its file name, so the test ages a key by renaming it instead of
    // waiting out a token lifetime; the services see the change when they next fetch the keys.
    [Fact]
    public async Task a_token_signed_by_a_key_rotated_out_past_its_grace_period_is_refused_everywhere()
    {
        var (_, id) = await CustomerAsync();
        var keys = new DirectoryInfo(Path.Combine(ShopProcesses.Root, ".local", "identity-keys"));
        var (retired, retiredPem) = NewSigningKey();
        var (successor, successorPem) = NewSigningKey();
        var now = DateTimeOffset.UtcNow;
        var written = new List<string> { KeyFile(keys, now, retired, retiredPem) };
        try
        {
            var token = ForgedTokens.Sign(retired, id);
            await Eventually.ValueAsync(() => StatusAsync(ShopProcesses.Gateway + "orders", token), s => s == 200, TimeSpan.FromSeconds(60), "the gateway accepting the newest key");
            await Eventually.ValueAsync(() => StatusAsync(OrderingDirect + "orders", token), s => s == 200, TimeSpan.FromSeconds(60), "Ordering accepting the newest key");

            // Replaced two hours ago, older than every other key: far past its grace period.
            var past = keys.GetFiles("*.pem").Select(f => Stamped(f.Name)).Append(now).Min() - TimeSpan.FromHours(2);
            File.Delete(written[0]);
            written = [KeyFile(keys, past, retired, retiredPem), KeyFile(keys, past.AddSeconds(1), successor, successorPem)];

            await Eventually.ValueAsync(() => StatusAsync(ShopProcesses.Gateway + "orders", token), s => s == 401, TimeSpan.FromSeconds(60), "the gateway refusing the retired key");
            await Eventually.ValueAsync(() => StatusAsync(OrderingDirect + "orders", token), s => s == 401, TimeSpan.FromSeconds(60), "Ordering refusing the retired key");
            var (fresh, _) = await CustomerAsync();
            (await StatusAsync(ShopProcesses.Gateway + "orders", fresh)).ShouldBe(200, "Identity's own key signs again");
        }
        finally
        {
            written.ForEach(File.Delete);
        }
    }

    // API3: broken object-property-level authorization. What the server decides, a client cannot set.
    [Fact]
    public async Task a_client_cannot_set_price_status_role_owner_or_total()
    {
        var email = $"props-{Guid.NewGuid():N}@example.com";
        var (status, registered) = await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "property passphrase", displayName = "P", roles = new[] { "admin" }, role = "admin", active = false });
        status.ShouldBe(201);
        var token = await shop.TokenAsync(email, "property passphrase");
        var me = (await shop.SendAsync(HttpMethod.Get, "users/me", token)).Body;
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["customer"]);
        me.GetProperty("id").GetGuid().ShouldBe(registered.GetProperty("id").GetGuid());

        var product = await ProductAsync();
        var someoneElse = Guid.NewGuid();
        var (created, order) = await shop.SendAsync(HttpMethod.Post, "orders", token, new
        {
            customerId = someoneElse,
            status = "Confirmed",
            total = 0.01m,
            items = new[] { new { productId = product, quantity = 1, unitPrice = 0.01m, name = "free" } },
        });
        created.ShouldBe(201);
        order.GetProperty("customerId").GetGuid().ShouldBe(me.GetProperty("id").GetGuid());
        order.GetProperty("status").GetString().ShouldBe("Pending");
        order.GetProperty("total").GetDecimal().ShouldBe(25m);
        order.GetProperty("items")[0].GetProperty("unitPrice").GetDecimal().ShouldBe(25m);
    }

    // API4: unrestricted resource consumption.
    [Fact]
    public async Task page_sizes_bodies_and_checkouts_are_limited()
    {
        var (token, _) = await CustomerAsync();
        (await shop.SendAsync(HttpMethod.Get, "products?pageSize=100000", null)).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Get, "orders?pageSize=100000", token)).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Get, "products?page=abc", null)).Status.ShouldBe(400);
        var huge = new string('x', 200_000);
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email = "big@example.com", password = huge, displayName = huge })).Status.ShouldBe(413);
    }

    // API4 and API6: one customer cannot flood checkout (each reserves stock); the answer says when to retry.
    [Fact]
    public async Task a_customer_flooding_checkout_is_slowed_down_with_retry_after()
    {
        var (token, _) = await CustomerAsync();
        var order = await OrderAsync(token);
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < 12 && limited is null; attempt++)
        {
            using var request = shop.Request(HttpMethod.Post, $"orders/{order}/checkout", token, new { paymentMethod = "pm_card_declined" });
            var response = await shop.Http.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        limited.ShouldNotBeNull($"no 429 after {statuses.Count} checkouts: {string.Join(", ", statuses)}");
        limited.Headers.RetryAfter.ShouldNotBeNull();
        limited.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await shop.SendAsync(HttpMethod.Get, "orders", token)).Status.ShouldBe(200, "only checkout is limited");
    }

    // API5: broken function-level authorization. Every admin function refuses a customer.
    [Fact]
    public async Task a_customer_gets_403_from_every_admin_function()
    {
        var (token, id) = await CustomerAsync();
        var product = await ProductAsync();
        var order = await OrderAsync(token);
        var calls = new (HttpMethod Method, string Url, object? Body)[]
        {
            (HttpMethod.Post, "products", new { sku = $"X-{Guid.NewGuid():N}", name = "x", price = 1m, currency = "EUR" }),
            (HttpMethod.Put, $"products/{product}/price", new { price = 0.01m }),
            (HttpMethod.Put, $"products/{product}/name", new { name = "mine" }),
            (HttpMethod.Post, $"products/{product}/stock", new { quantity = 1000 }),
            (HttpMethod.Post, $"products/{product}/discontinue", null),
            (HttpMethod.Post, $"orders/{order}/ship", null),
            (HttpMethod.Post, $"users/{id}/deactivate", null),
            (HttpMethod.Post, $"users/{id}/reactivate", null),
            (HttpMethod.Post, $"users/{id}/roles", new { role = "admin" }),
            (HttpMethod.Delete, $"users/{id}/roles/customer", null),
        };

        foreach (var (method, url, body) in calls)
        {
            (await shop.SendAsync(method, url, token, body)).Status.ShouldBe(403, $"{method} {url}");
        }
    }

    // API8: security misconfiguration. Errors carry no internals; answers carry the security headers.
    [Fact]
    public async Task errors_reveal_no_internals_and_answers_carry_security_headers()
    {
        using var malformed = new HttpRequestMessage(HttpMethod.Post, "users") { Content = new StringContent("{\"email\": [", Encoding.UTF8, "application/json") };
        using var response = await shop.Http.SendAsync(malformed);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        body.ShouldNotContain("Exception");
        body.ShouldNotContain(" at ");
        response.Headers.Contains("Server").ShouldBeFalse();
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
    }

    // API9: improper inventory management. The gateway forwards what is documented, and nothing internal:
    // its own operators' views (/api/admin/projections and the like) are documented, the services' admin routes are not.
    [Theory]
    [InlineData("admin/projections/rebuilds")]
    [InlineData("admin/dead-letters/messages")]
    [InlineData("stock")]
    [InlineData("metrics")]
    [InlineData("health/ready")]
    [InlineData(".well-known/jwks.json")]
    [InlineData("users/%2e%2e/metrics")]
    [InlineData("products/%2e%2e/admin/projections/rebuilds")]
    public async Task internal_routes_are_not_reachable_through_the_gateway(string path)
    {
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        var status = (await shop.SendAsync(HttpMethod.Get, path, admin)).Status;
        status.ShouldBeOneOf([404, 400], path);
    }

    private async Task<int> StatusAsync(string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Direct.SendAsync(request);
        return (int)response.StatusCode;
    }

    private const string KeyFileTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static (ECDsaSecurityKey Key, string Pem) NewSigningKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportPkcs8PrivateKeyPem();
        return (ForgedTokens.KeyFromPem(pem), pem);
    }

    /// <summary>Puts a key where Identity reads its keys, dated as Identity dates them: by file name.</summary>
    private static string KeyFile(DirectoryInfo keys, DateTimeOffset created, ECDsaSecurityKey key, string pem)
    {
        var path = Path.Combine(keys.FullName, $"{created.UtcDateTime.ToString(KeyFileTimeFormat, CultureInfo.InvariantCulture)}_{key.KeyId}.pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private static DateTimeOffset Stamped(string fileName) =>
        DateTimeOffset.ParseExact(fileName.Split('_')[0], KeyFileTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static ECDsaSecurityKey CurrentSigningKey() =>
        ForgedTokens.LoadKey(new DirectoryInfo(Path.Combine(ShopProcesses.Root, ".local", "identity-keys"))
            .GetFiles("*.pem").OrderByDescending(f => f.Name, StringComparer.Ordinal).First().FullName);

    private async Task<(string Token, Guid Id)> CustomerAsync()
    {
        var email = $"sec-{Guid.NewGuid():N}@example.com";
        var (status, created) = await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "security passphrase", displayName = "S" });
        status.ShouldBe(201);
        return (await shop.TokenAsync(email, "security passphrase"), created.GetProperty("id").GetGuid());
    }

    private async Task<Guid> ProductAsync()
    {
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        var (status, created) = await shop.SendAsync(HttpMethod.Post, "products", admin, new { sku = $"SEC-{Guid.NewGuid():N}", name = "Security lamp", price = 25m, currency = "EUR" });
        status.ShouldBe(201);
        var product = created.GetProperty("id").GetGuid();
        (await shop.SendAsync(HttpMethod.Post, $"products/{product}/stock", admin, new { quantity = 50 })).Status.ShouldBe(200);
        await Eventually.ValueAsync(async () => (await shop.SendAsync(HttpMethod.Get, $"products/{product}", null)).Status, s => s == 200, TimeSpan.FromSeconds(60), "the product in the catalog");
        return product;
    }

    private async Task<Guid> OrderAsync(string token)
    {
        var product = await ProductAsync();
        var (status, order) = await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 1 } } });
        status.ShouldBe(201);
        return order.GetProperty("id").GetGuid();
    }
}
