#include "proxyd/io/dns_reply.h"

#include <ares.h>
#include <fmt/format.h>
#include <netdb.h>

#include <array>
#include <cstring>

namespace proxyd::io {

namespace {

dns::Outcome outcome_of(int status) {
  switch (status) {
    case ARES_SUCCESS:
    case ARES_ENODATA:  // the name exists, without records of this type
      return dns::Outcome::Valid;
    case ARES_ENOTFOUND:
      return dns::Outcome::NxDomain;
    case ARES_EREFUSED:
      return dns::Outcome::Refused;
    case ARES_ETIMEOUT:
      return dns::Outcome::Timeout;
    default:
      return dns::Outcome::Other;
  }
}

ParsedReply malformed(std::string problem) {
  ParsedReply r;
  r.answer.outcome = dns::Outcome::Other;
  r.malformed = true;
  r.problem = std::move(problem);
  return r;
}

ParsedReply parse_addresses(QueryType type, std::span<const std::uint8_t> message) {
  // One more slot than allowed: a full array means too many.
  std::array<ares_addrttl, kMaxRecords + 1> v4{};
  std::array<ares_addr6ttl, kMaxRecords + 1> v6{};
  int count = static_cast<int>(kMaxRecords + 1);
  const auto length = static_cast<int>(message.size());
  const int status = type == QueryType::A ? ares_parse_a_reply(message.data(), length, nullptr, v4.data(), &count)
                                          : ares_parse_aaaa_reply(message.data(), length, nullptr, v6.data(), &count);
  if (status == ARES_ENODATA) return ParsedReply{};
  if (status != ARES_SUCCESS) return malformed(fmt::format("unreadable reply ({})", ares_strerror(status)));
  if (count > static_cast<int>(kMaxRecords)) return malformed(fmt::format("more than {} addresses", kMaxRecords));
  ParsedReply r;
  for (int i = 0; i < count; ++i) {
    const auto n = static_cast<std::size_t>(i);
    if (type == QueryType::A) {
      std::array<std::uint8_t, 4> bytes{};
      std::memcpy(bytes.data(), &v4[n].ipaddr, 4);
      r.answer.records.push_back({common::net::IpAddress::v4(bytes), 0, 0});
    } else {
      std::array<std::uint8_t, 16> bytes{};
      std::memcpy(bytes.data(), &v6[n].ip6addr, 16);
      r.answer.records.push_back({common::net::IpAddress::v6(bytes), 0, 0});
    }
  }
  return r;
}

}  // namespace

ParsedReply parse_reply(int status, QueryType type, std::span<const std::uint8_t> message) {
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
    ParsedReply r;
    r.cancelled = true;
    return r;
  }
  if (status == ARES_EBADRESP || status == ARES_EFORMERR)
    return malformed(fmt::format("unreadable reply ({})", ares_strerror(status)));
  ParsedReply r;
  r.answer.outcome = outcome_of(status);
  if (status != ARES_SUCCESS) return r;
  return parse_addresses(type, message);
}

ParsedSrv parse_srv_reply(int status, std::span<const std::uint8_t> message) {
  ParsedSrv out;
  if (status != ARES_SUCCESS) {  // the status alone says it (no message to read)
    const auto base = parse_reply(status, QueryType::A, {});
    out.outcome = base.answer.outcome;
    out.malformed = base.malformed;
    out.problem = base.problem;
    out.cancelled = base.cancelled;
    return out;
  }
  ares_srv_reply* list = nullptr;
  const int parsed = ares_parse_srv_reply(message.data(), static_cast<int>(message.size()), &list);
  if (parsed == ARES_ENODATA) return out;
  if (parsed != ARES_SUCCESS) {
    out.outcome = dns::Outcome::Other;
    out.malformed = true;
    out.problem = fmt::format("unreadable SRV reply ({})", ares_strerror(parsed));
    return out;
  }
  std::size_t count = 0;
  for (const auto* r = list; r != nullptr; r = r->next) ++count;
  if (count > kMaxRecords) {
    ares_free_data(list);
    out.outcome = dns::Outcome::Other;
    out.malformed = true;
    out.problem = fmt::format("more than {} SRV records", kMaxRecords);
    return out;
  }
  std::optional<std::uint16_t> best;
  for (const auto* r = list; r != nullptr; r = r->next) {
    if (std::string_view(r->host) == "." || std::string_view(r->host).empty()) continue;
    if (!best || r->priority < *best) best = r->priority;
  }
  for (const auto* r = list; r != nullptr; r = r->next) {
    if (std::string_view(r->host) == "." || std::string_view(r->host).empty() || r->priority != best) continue;
    out.targets.push_back({r->host, r->port, r->weight, r->priority});
  }
  ares_free_data(list);
  return out;
}

dns::Answer merge_answers(const dns::Answer& a, const dns::Answer& b) {
  if (a.outcome != dns::Outcome::Valid && b.outcome != dns::Outcome::Valid) return a;
  dns::Answer merged;
  for (const auto* part : {&a, &b}) {
    if (part->outcome != dns::Outcome::Valid) continue;
    merged.records.insert(merged.records.end(), part->records.begin(), part->records.end());
  }
  return merged;
}

}  // namespace proxyd::io
