// The world the floatip core sees, scripted: a canned DigitalOcean API and
// metadata service, a manual clock that sleeps advance, pinned jitter and a
// recording log. No sockets; the integration test covers the real ones.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/core/time.h"
#include "vrrpd/floatip/core/api_session.h"
#include "vrrpd/floatip/core/environment.h"
#include "vrrpd/floatip/core/http_client.h"

namespace floatip_test {

using namespace std::chrono_literals;
using vrrpd::floatip::HttpRequest;
using vrrpd::floatip::HttpResponse;
using Exchange = common::Result<HttpResponse>;

inline const std::string kApi = "https://api.test";
inline const std::string kMetadata = "http://169.254.169.254";
inline const std::string kIp = "203.0.113.10";
inline const std::string kToken = "dop_v1_0123456789abcdef";
inline const std::string kMetadataId = "GET /metadata/v1/id";
inline const std::string kGetReserved = "GET /v2/reserved_ips/203.0.113.10";
inline const std::string kGetFloating = "GET /v2/floating_ips/203.0.113.10";
inline const std::string kPostReserved = "POST /v2/reserved_ips/203.0.113.10/actions";
inline const std::string kPostFloating = "POST /v2/floating_ips/203.0.113.10/actions";
constexpr std::uint64_t kOurDroplet = 111;
constexpr std::uint64_t kPeerDroplet = 222;

inline std::string poll_reserved(std::uint64_t action) {
  return fmt::format("GET /v2/reserved_ips/203.0.113.10/actions/{}", action);
}

inline Exchange json(int status, std::string body, std::map<std::string, std::string, std::less<>> headers = {}) {
  headers.emplace("content-type", "application/json");
  return HttpResponse{status, std::move(headers), std::move(body)};
}

// GET /v2/reserved_ips/{ip}: held by <droplet> (none: unassigned).
inline Exchange ip_held_by(std::optional<std::uint64_t> droplet, bool locked = false,
                           const std::string& key = "reserved_ip") {
  const std::string holder = droplet ? fmt::format(R"({{"id":{},"name":"lb"}})", *droplet) : "null";
  return json(200, fmt::format(R"({{"{}":{{"ip":"{}","droplet":{},"locked":{},"region":{{"slug":"nyc3"}}}}}})", key,
                               kIp, holder, locked ? "true" : "false"));
}

// An action body; 201 for the POST, 200 for polls.
inline Exchange action(int status, std::uint64_t id, const std::string& state) {
  return json(status, fmt::format(R"({{"action":{{"id":{},"status":"{}","type":"assign_ip","resource_type":)"
                                  R"("reserved_ip","region_slug":"nyc3"}}}})",
                                  id, state));
}

inline Exchange api_error(int status, const std::string& id, const std::string& message,
                          std::map<std::string, std::string, std::less<>> headers = {}) {
  return json(status, fmt::format(R"({{"id":"{}","message":"{}","request_id":"req-{}"}})", id, message, status),
              std::move(headers));
}

inline Exchange pending_event() {
  return api_error(422, "unprocessable_entity", "The floating IP already has a pending event.");
}

inline Exchange text(int status, std::string body) {
  return HttpResponse{status, {}, std::move(body)};
}

inline Exchange transport_error(const std::string& what) {
  return tl::unexpected(common::Error{what, 0});
}

// Responses per "METHOD /path", served in order; the last one repeats.
// Every exchange costs <latency> on the clock, as a real round trip would.
class ScriptedHttp final : public vrrpd::floatip::HttpClient {
 public:
  explicit ScriptedHttp(common::ManualClock& clock) : clock_(clock) {}

  void on(const std::string& route, std::vector<Exchange> replies) {
    auto& queue = routes_[route];
    for (auto& r : replies) queue.push_back(std::move(r));
  }
  void set_latency(common::Duration latency) { latency_ = latency; }

  Exchange send(const HttpRequest& request) override {
    requests_.push_back(request);
    const std::string route = request.method + " " + path_of(request.url);
    routes_sent_.push_back(route);
    clock_.advance(latency_);
    auto it = routes_.find(route);
    if (it == routes_.end() || it->second.empty()) {
      FAIL("unscripted request " << route);
      return transport_error("unscripted");
    }
    Exchange reply = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return reply;
  }

  const std::vector<HttpRequest>& requests() const { return requests_; }
  const std::vector<std::string>& routes() const { return routes_sent_; }
  std::size_t count(const std::string& route) const {
    return static_cast<std::size_t>(std::count(routes_sent_.begin(), routes_sent_.end(), route));
  }

 private:
  static std::string path_of(const std::string& url) {
    for (const auto& base : {kApi, kMetadata}) {
      if (url.starts_with(base)) return url.substr(base.size());
    }
    FAIL("request to an unknown host: " << url);
    return {};
  }

  common::ManualClock& clock_;
  common::Duration latency_{50};
  std::map<std::string, std::deque<Exchange>> routes_;
  std::vector<HttpRequest> requests_;
  std::vector<std::string> routes_sent_;
};

class ClockSleeper final : public vrrpd::floatip::Sleeper {
 public:
  explicit ClockSleeper(common::ManualClock& clock) : clock_(clock) {}
  void sleep_for(common::Duration duration) override {
    sleeps_.push_back(duration);
    clock_.advance(duration);
  }
  const std::vector<common::Duration>& sleeps() const { return sleeps_; }

 private:
  common::ManualClock& clock_;
  std::vector<common::Duration> sleeps_;
};

// Always the same draw: 0 pins every jittered delay to its lower bound (d/2).
class FixedRandom final : public vrrpd::floatip::RandomSource {
 public:
  explicit FixedRandom(std::uint64_t value) : value_(value) {}
  std::uint64_t next() override { return value_; }
  void set(std::uint64_t value) { value_ = value; }

 private:
  std::uint64_t value_;
};

struct World {
  common::ManualClock clock;
  common::TimePoint start = clock.now();
  ScriptedHttp http{clock};
  ClockSleeper sleeper{clock};
  FixedRandom random{0};
  common::log::RecordingLogger logger;
  vrrpd::floatip::Environment env{http, clock, sleeper, random, logger};
  vrrpd::floatip::Target target{kIp, kApi, kMetadata, kToken};

  common::Duration elapsed() const { return common::duration_cast<common::Duration>(clock.now() - start); }
  bool token_logged() const {
    for (const auto& e : logger.entries()) {
      if (e.message.find(kToken) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace floatip_test
