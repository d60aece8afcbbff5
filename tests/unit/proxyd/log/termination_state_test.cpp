#include "proxyd/core/log/termination_state.h"

#include <catch2/catch.hpp>

using namespace proxyd::log;

TEST_CASE("termination states print HAProxy's two characters", "[proxyd][log]") {
  CHECK(to_string({}) == "--");
  CHECK(to_string({TerminationCause::ServerAbort, SessionPhase::Connect}) == "SC");
  CHECK(to_string({TerminationCause::ClientTimeout, SessionPhase::Data}) == "cD");
  CHECK(to_string({TerminationCause::ServerTimeout, SessionPhase::Queue}) == "sQ");
  CHECK(to_string({TerminationCause::ClientAbort, SessionPhase::Request}) == "CR");
  CHECK(to_string({TerminationCause::Proxy, SessionPhase::Request}) == "PR");
  CHECK(to_string({TerminationCause::Resource, SessionPhase::Connect}) == "RC");
  CHECK(to_string({TerminationCause::Killed, SessionPhase::Data}) == "KD");
  CHECK(to_string({TerminationCause::Normal, SessionPhase::Last}) == "-L");
  CHECK(to_string({TerminationCause::Proxy, SessionPhase::Tarpit}) == "PT");
}
