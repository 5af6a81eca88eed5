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
        _accounts = new IdentityAccountStatus(new HttpClient(_identity), jwt, new MemoryCache(new MemoryCacheOptions()), new AccountStatusQuestions(), _clock, NullLogger<IdentityAccountStatus>.Instance);
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

    [Fact]
    public async Task requests_that_find_no_answer_young_enough_wait_for_one_question_to_identity()
    {
        _identity.Hold();

        var waiting = Enumerable.Range(0, 20).Select(_ => ActiveAsync()).ToList();
        _identity.Requests.ShouldBe(1);
        waiting.ShouldAllBe(w => !w.IsCompleted);

        _identity.Release(HttpStatusCode.Unauthorized);
        (await Task.WhenAll(waiting)).ShouldAllBe(active => !active);
        _identity.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task an_answer_past_half_its_time_is_renewed_while_requests_go_on_with_it()
    {
        (await ActiveAsync()).ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(15));
        _identity.Hold();

        var request = ActiveAsync();
        request.IsCompletedSuccessfully.ShouldBeTrue("the request does not wait for Identity");
        (await request).ShouldBeTrue();
        (await ActiveAsync()).ShouldBeTrue();
        _identity.Requests.ShouldBe(2);

        _identity.Release(HttpStatusCode.Unauthorized);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await ActiveAsync())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the renewed answer is used once it arrives");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        _identity.Requests.ShouldBe(2);
    }

    private Task<bool> ActiveAsync() => _accounts.IsActiveAsync(User, "token", TestContext.Current.CancellationToken);

    /// <summary>Identity's status endpoint as a stand-in that answers as told (at once, or when released) and counts requests.</summary>
    private sealed class StatusServer : HttpMessageHandler
    {
        private TaskCompletionSource? _held;
        private int _requests;

        public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

        public int Requests => _requests;

        public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release(HttpStatusCode answer)
        {
            Answer = answer;
            _held!.SetResult();
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (_held is { } held)
            {
                await held.Task;
            }

            return new HttpResponseMessage(Answer)
            {
                Content = new StringContent(Answer == HttpStatusCode.OK ? """{"active":true}""" : "", System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
