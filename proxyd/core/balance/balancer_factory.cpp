#include "proxyd/core/balance/balancer_factory.h"

#include <cstdlib>

#include "proxyd/core/balance/first_available.h"
#include "proxyd/core/balance/least_conn.h"
#include "proxyd/core/balance/random_choice.h"
#include "proxyd/core/balance/round_robin.h"
#include "proxyd/core/balance/source_hash.h"
#include "proxyd/core/balance/static_round_robin.h"

namespace proxyd::balance {

std::unique_ptr<Balancer> make_balancer(config::Balance algorithm) {
  switch (algorithm) {
    case config::Balance::RoundRobin:
      return std::make_unique<RoundRobin>();
    case config::Balance::StaticRr:
      return std::make_unique<StaticRoundRobin>();
    case config::Balance::LeastConn:
      return std::make_unique<LeastConn>();
    case config::Balance::Source:
      return std::make_unique<SourceHash>();
    case config::Balance::First:
      return std::make_unique<FirstAvailable>();
    case config::Balance::Random:
      return std::make_unique<RandomChoice>();
    case config::Balance::Uri:
    case config::Balance::Header:
      // Placeholder so the switch stays exhaustive until the request-key
      // balancer (PickContext::request_key) lands: hashes the client address.
      return std::make_unique<SourceHash>();
  }
  std::abort();  // not an enumerator: memory corruption
}

}  // namespace proxyd::balance
