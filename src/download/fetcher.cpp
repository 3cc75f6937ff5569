#include "download/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <list>
#include <queue>
#include <random>
#include <unordered_map>
#include <utility>

#include "core/ascii_text.h"
#include "core/http_client.h"
#include "download/curl_transfer.h"
#include "download/response_head.h"

// This file schedules the transfers (per-host limits, retries with backoff, Retry-After pauses)
// and turns each attempt's end into a FetchResult; curl_transfer sets up and reads one attempt,
// response_head judges a response's head.

namespace clipret::download {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kBrowserAgent =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:72.0) Gecko/20100101 Firefox/72.0";
constexpr int kPollMilliseconds = 100;  // the contract's bound on noticing *stop
constexpr int kMaxBackoffDoublings = 20;
constexpr const char* kRobotsRefusal = "Use of image disallowed by X-Robots-Tag directive";

}  // namespace

std::string user_agent_for(const std::string& user_agent_token) {
  const std::string token = core::ascii_lower(core::trim_space(user_agent_token));
  std::string agent = kBrowserAgent;
  if (!token.empty()) {
    agent += " (compatible; " + token + "; +https://github.com/rom1504/img2dataset)";
  }
  return agent;
}

namespace {

// The state of one fetch_all call: jobs, queues, per-host counts, transfers in flight.
class Run {
 public:
  using Done = std::function<void(size_t, FetchResult&&)>;

  Run(const FetchOptions& options, CURLM* multi, std::mt19937_64& random,
      const std::vector<std::string>& urls, const Done& done)
      : options_(options),
        multi_(multi),
        random_(random),
        urls_(urls),
        done_(done),
        jobs_(urls.size()) {}

  ~Run() {
    // Handles leave the multi before they are cleaned up (an exception from done_ ends here).
    for (auto& [easy, transfer] : running_) curl_multi_remove_handle(multi_, easy);
  }

  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  void go(const std::atomic<bool>* stop) {
    for (size_t i = 0; i < urls_.size(); ++i) {
      ParsedUrl parsed = parse_url(urls_[i]);
      if (!parsed.error.empty()) {
        jobs_[i].result.error = std::move(parsed.error);
        report(i);
      } else {
        jobs_[i].host = std::move(parsed.host);
        make_ready(i);
      }
    }
    while (reported_ < jobs_.size()) {
      if (stop != nullptr && stop->load()) return;
      const Clock::time_point now = Clock::now();
      while (!waiting_.empty() && waiting_.top().first <= now) {
        make_ready(waiting_.top().second);
        waiting_.pop();
      }
      start_ready(now);
      int still_running = 0;
      curl_multi_perform(multi_, &still_running);
      int left = 0;
      while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
        if (message->msg == CURLMSG_DONE) finish(message->easy_handle, message->data.result);
      }
      if (reported_ == jobs_.size()) return;
      int wait_ms = kPollMilliseconds;
      if (!waiting_.empty()) {
        const auto until =
            std::chrono::ceil<std::chrono::milliseconds>(waiting_.top().first - Clock::now());
        wait_ms = static_cast<int>(std::clamp<int64_t>(until.count(), 0, wait_ms));
      }
      curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
    }
  }

 private:
  struct Job {
    std::string host;
    FetchResult result;
  };
  struct Host {
    int64_t running = 0;
    Clock::time_point paused_until;  // Retry-After: no new transfer before
    std::deque<size_t> ready;        // jobs waiting for a slot, in input order
  };
  using Due = std::pair<Clock::time_point, size_t>;

  void report(size_t i) {
    ++reported_;
    done_(i, std::move(jobs_[i].result));
  }

  void make_ready(size_t i) {
    Host& host = hosts_[jobs_[i].host];
    if (host.ready.empty()) ready_hosts_.push_back(&host);
    host.ready.push_back(i);
  }

  // Visits hosts, not urls: a shard with thousands of urls on one busy host costs one step.
  void start_ready(Clock::time_point now) {
    const auto max_running = static_cast<size_t>(std::max<int64_t>(1, options_.max_concurrent));
    const int64_t max_per_host = std::max<int64_t>(1, options_.max_per_host);
    for (auto it = ready_hosts_.begin();
         it != ready_hosts_.end() && running_.size() < max_running;) {
      Host& host = **it;
      while (!host.ready.empty() && host.running < max_per_host && host.paused_until <= now &&
             running_.size() < max_running) {
        const size_t i = host.ready.front();
        host.ready.pop_front();
        start(i, host);
      }
      it = host.ready.empty() ? ready_hosts_.erase(it) : std::next(it);
    }
  }

  void start(size_t i, Host& host) {
    Job& job = jobs_[i];
    ++job.result.attempts;
    auto transfer = std::make_unique<Transfer>();
    transfer->job = i;
    transfer->options = &options_;
    if (!set_up_transfer(*transfer, urls_[i], user_agent())) {
      job.result.error = "cannot create a curl handle";
      report(i);
      return;
    }
    CURL* c = transfer->easy.get();
    if (curl_multi_add_handle(multi_, c) != CURLM_OK) {
      job.result.error = "cannot start the transfer";
      report(i);
      return;
    }
    ++host.running;
    running_.emplace(c, std::move(transfer));
  }

  const std::string& user_agent() {
    if (user_agent_.empty()) {
      user_agent_ = options_.user_agent.empty() ? user_agent_for(options_.user_agent_token)
                                                : options_.user_agent;
    }
    return user_agent_;
  }

  void finish(CURL* easy, CURLcode code) {
    const auto it = running_.find(easy);
    if (it == running_.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    running_.erase(it);
    curl_multi_remove_handle(multi_, easy);
    const size_t i = t->job;
    Job& job = jobs_[i];
    Host& host = hosts_[job.host];
    --host.running;

    FetchResult& result = job.result;
    result.http_status = t->head.status;
    result.ok = false;
    result.body.clear();
    bool retriable = false;
    if (!t->refused_address.empty()) {
      result.error = "refused address " + t->refused_address +
                     " (loopback, private or link-local; allow_private_addresses is off)";
    } else if (t->abort == Abort::kRobots) {
      result.error = kRobotsRefusal;
    } else if (t->abort == Abort::kTooLarge) {
      result.error = "body larger than " + std::to_string(options_.max_body_bytes) + " bytes";
    } else if (t->abort == Abort::kNoMemory) {
      result.error = "out of memory reading the response";
    } else if (t->abort == Abort::kHttpError || (code == CURLE_OK && t->head.status / 100 != 2)) {
      const std::string reason =
          t->head.reason.empty() ? standard_reason(t->head.status) : t->head.reason;
      result.error =
          "HTTP Error " + std::to_string(t->head.status) + (reason.empty() ? "" : ": ") + reason;
      retriable = is_retriable_status(t->head.status);
    } else if (code != CURLE_OK) {
      result.error = transfer_error(*t, code);
      retriable = is_retriable_code(code);
    } else {
      result.ok = true;
      result.error.clear();
      result.body = std::move(t->body);
    }

    double wait = -1;
    if (t->head.status == 429 || t->head.status == 503) {
      wait = std::min(retry_after_seconds(t->head.retry_after), options_.max_retry_after_seconds);
      if (wait > 0) {
        // The whole host waits, not only this url: it asked for a pause.
        host.paused_until = std::max(host.paused_until, Clock::now() + seconds(wait));
      }
    }
    if (!result.ok && retriable && result.attempts <= options_.retries) {
      const int doublings = std::min(result.attempts - 1, kMaxBackoffDoublings);
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      const double backoff =
          options_.backoff_base_seconds * std::ldexp(1.0, doublings) * jitter(random_);
      waiting_.emplace(Clock::now() + seconds(std::max(backoff, wait)), i);
      return;
    }
    report(i);
  }

  static Clock::duration seconds(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  const FetchOptions& options_;
  CURLM* multi_;
  std::mt19937_64& random_;
  const std::vector<std::string>& urls_;
  const Done& done_;
  std::vector<Job> jobs_;
  size_t reported_ = 0;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> waiting_;  // retries
  std::unordered_map<std::string, Host> hosts_;  // nodes stay put: ready_hosts_ points at them
  std::list<Host*> ready_hosts_;                 // hosts with jobs ready, first come first
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running_;
  std::string user_agent_;
};

}  // namespace

struct Fetcher::Impl {
  FetchOptions options;
  std::unique_ptr<CURLM, MultiDeleter> multi;  // kept across calls: its connection cache
  std::string init_error;
  std::mt19937_64 random{std::random_device{}()};
};

Fetcher::Fetcher(FetchOptions options) : impl_(std::make_unique<Impl>()) {
  options.user_agent_token = core::ascii_lower(core::trim_space(options.user_agent_token));
  for (std::string& directive : options.disallowed_directives) {
    directive = core::ascii_lower(core::trim_space(directive));
  }
  impl_->options = std::move(options);
  impl_->init_error = core::init_curl_once();
  if (!impl_->init_error.empty()) return;
  impl_->multi.reset(curl_multi_init());
  if (!impl_->multi) {
    impl_->init_error = "cannot create a curl multi handle";
    return;
  }
  CURLM* m = impl_->multi.get();
  const auto max_concurrent =
      static_cast<long>(std::max<int64_t>(1, impl_->options.max_concurrent));
  const auto max_per_host = static_cast<long>(std::max<int64_t>(1, impl_->options.max_per_host));
  curl_multi_setopt(m, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  // Our own per-host gate keeps transfers out of curl's internal queue, where their deadline
  // would run while they wait; this only bounds connections opened by redirects.
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, max_per_host);
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, max_concurrent);  // idle ones kept alive
}

Fetcher::~Fetcher() = default;

void Fetcher::fetch_all(const std::vector<std::string>& urls,
                        const std::function<void(size_t index, FetchResult&& result)>& done,
                        const std::atomic<bool>* stop) {
  if (!impl_->init_error.empty()) {
    for (size_t i = 0; i < urls.size(); ++i) {
      FetchResult result;
      result.error = impl_->init_error;
      done(i, std::move(result));
    }
    return;
  }
  Run run(impl_->options, impl_->multi.get(), impl_->random, urls, done);
  run.go(stop);
}

}  // namespace clipret::download
