// A DNS reply, as c-ares hands it over (the status of the query and the
// raw message), turned into the core's Answer: c-ares parses the message
// (A, AAAA, SRV; CNAME chains inside the reply); the mapping of statuses
// and the limits are ours. A reply that does not parse, or lists more than
// kMaxRecords addresses, is an Outcome::Other with <malformed> set: the
// caller counts it and logs it (rate-limited).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proxyd/core/dns/resolution.h"

namespace proxyd::io {

enum class QueryType { A, AAAA };

inline constexpr std::size_t kMaxRecords = 64;

struct ParsedReply {
  dns::Answer answer;
  bool malformed = false;
  std::string problem;     // with malformed: what was wrong
  bool cancelled = false;  // the channel went away: no answer at all
};

// <status>: the c-ares status of the query; <message>: the reply (empty
// when none came).
ParsedReply parse_reply(int status, QueryType type, std::span<const std::uint8_t> message);

// One SRV record: where a service instance is (RFC 2782).
struct SrvTarget {
  std::string host;
  std::uint16_t port = 0;
  std::uint16_t weight = 0;
  std::uint16_t priority = 0;
};

struct ParsedSrv {
  dns::Outcome outcome = dns::Outcome::Valid;
  std::vector<SrvTarget> targets;  // Valid: those of the lowest priority (the ones to use)
  bool malformed = false;
  std::string problem;
  bool cancelled = false;
};

// An SRV reply: its records of the best (lowest) priority, at most
// kMaxRecords; a target "." (the service is not offered) is dropped.
ParsedSrv parse_srv_reply(int status, std::span<const std::uint8_t> message);

// Two replies of one name (A and AAAA) as one answer: a valid one wins
// (addresses of both), else the first failure.
dns::Answer merge_answers(const dns::Answer& a, const dns::Answer& b);

}  // namespace proxyd::io
