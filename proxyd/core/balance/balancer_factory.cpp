#include "proxyd/core/balance/balancer_factory.h"

#include <cstdlib>

#include "proxyd/core/balance/first_available.h"
#include "proxyd/core/balance/least_conn.h"
#include "proxyd/core/balance/random_choice.h"
#include "proxyd/core/balance/request_hash.h"
#include "proxyd/core/balance/round_robin.h"
#include "proxyd/core/balance/source_hash.h"
#include "proxyd/core/balance/static_round_robin.h"

namespace proxyd::balance {

std::unique_ptr<Balancer> make_balancer(config::Balance algorithm, config::HashType hash_type) {
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
      return std::make_unique<RequestHash>(hash_type);
  }
  std::abort();  // not an enumerator: memory corruption
}

}  // namespace proxyd::balance
