// A DNS reply, as c-ares hands it over (the status of the query and the
// raw message), turned into the core's Answer: c-ares parses the message
// (A, AAAA; CNAME chains inside the reply); the mapping of statuses
// and the limits are ours. A reply that does not parse, or lists more than
// kMaxRecords addresses, is an Outcome::Other with <malformed> set: the
// caller counts it and logs it (rate-limited).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

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

// Two replies of one name (A and AAAA) as one answer: a valid one wins
// (addresses of both), else the first failure.
dns::Answer merge_answers(const dns::Answer& a, const dns::Answer& b);

}  // namespace proxyd::io
