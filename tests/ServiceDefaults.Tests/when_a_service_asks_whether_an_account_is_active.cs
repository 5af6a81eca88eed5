using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Tests;

public class when_a_service_asks_whether_an_account_is_active
{
    private static readonly Guid User = Guid.NewGuid();
    private readonly FakeTimeProvider _clock = new();
    private readonly StatusServer _identity = new();
    private readonly IdentityAccountStatus _accounts;

    public when_a_service_asks_whether_an_account_is_active()
    {
        var jwt = new JwtSettings("http://identity.test", "shop-identity", "shop", TimeSpan.FromSeconds(30), RequireHttpsMetadata: false) { AccountStatusCacheTime = TimeSpan.FromSeconds(30) };
        _accounts = new IdentityAccountStatus(new HttpClient(_identity), jwt, new MemoryCache(new MemoryCacheOptions()), _clock, NullLogger<IdentityAccountStatus>.Instance);
    }

    [Fact]
    public async Task a_deactivation_is_seen_once_the_cached_answer_is_older_than_the_cache_time()
    {
        (await ActiveAsync()).ShouldBeTrue();
        _identity.Answer = HttpStatusCode.Unauthorized;

        _clock.Advance(TimeSpan.FromSeconds(29));
        (await ActiveAsync()).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(1));
        (await ActiveAsync()).ShouldBeFalse();
        _identity.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task while_identity_is_down_the_last_answer_holds_and_identity_is_not_asked_on_every_request()
    {
        _identity.Answer = HttpStatusCode.Unauthorized;
        (await ActiveAsync()).ShouldBeFalse();
        _identity.Answer = HttpStatusCode.ServiceUnavailable;
        _clock.Advance(TimeSpan.FromMinutes(1));

        (await ActiveAsync()).ShouldBeFalse("a deactivated account stays refused");
        (await ActiveAsync()).ShouldBeFalse();
        _identity.Requests.ShouldBe(2);

        _clock.Advance(IdentityAccountStatus.RetryAfterFailure);
        (await ActiveAsync()).ShouldBeFalse();
        _identity.Requests.ShouldBe(3);
    }

    [Fact]
    public async Task an_account_never_asked_about_counts_as_active_while_identity_is_down()
    {
        _identity.Answer = HttpStatusCode.ServiceUnavailable;

        (await ActiveAsync()).ShouldBeTrue();
    }

    private Task<bool> ActiveAsync() => _accounts.IsActiveAsync(User, "token", TestContext.Current.CancellationToken);

    /// <summary>Identity's status endpoint as a stand-in that answers as told and counts requests.</summary>
    private sealed class StatusServer : HttpMessageHandler
    {
        public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return Task.FromResult(new HttpResponseMessage(Answer)
            {
                Content = new StringContent(Answer == HttpStatusCode.OK ? """{"active":true}""" : "", System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
