// DNS replies as c-ares hands them to proxyd (proxyd/io/dns_reply.h): the
// first byte picks the query type and the c-ares status, the rest is the
// message, read as an A/AAAA reply and as an SRV reply. Never crash; an
// answer is either valid with at most kMaxRecords addresses of the asked
// family (targets of one priority), or a failure without records.
#include <ares.h>

#include <cstdint>
#include <cstdlib>

#include "proxyd/io/dns_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr int kStatuses[] = {ARES_SUCCESS,  ARES_ENODATA,  ARES_ENOTFOUND, ARES_EREFUSED,
                                      ARES_ETIMEOUT, ARES_EBADRESP, ARES_ESERVFAIL, ARES_EDESTRUCTION};
  const auto type = (data[0] & 1) ? proxyd::io::QueryType::AAAA : proxyd::io::QueryType::A;
  const int status = kStatuses[(data[0] >> 1) % std::size(kStatuses)];
  const auto parsed = proxyd::io::parse_reply(status, type, {data + 1, size - 1});
  const auto& answer = parsed.answer;
  if (parsed.malformed && answer.outcome != proxyd::dns::Outcome::Other) std::abort();
  if (answer.outcome != proxyd::dns::Outcome::Valid && !answer.records.empty()) std::abort();
  if (answer.records.size() > proxyd::io::kMaxRecords) std::abort();
  for (const auto& r : answer.records) {
    if (r.address.is_v4() != (type == proxyd::io::QueryType::A)) std::abort();
  }
  // The same bytes as an SRV reply: bounded, best priority only, no "." target.
  const auto srv = proxyd::io::parse_srv_reply(status, {data + 1, size - 1});
  if (srv.targets.size() > proxyd::io::kMaxRecords) std::abort();
  if (srv.outcome != proxyd::dns::Outcome::Valid && !srv.targets.empty()) std::abort();
  for (const auto& t : srv.targets) {
    if (t.host.empty() || t.host == "." || t.priority != srv.targets.front().priority) std::abort();
  }
  const auto merged = proxyd::io::merge_answers(answer, answer);
  if (answer.outcome == proxyd::dns::Outcome::Valid && merged.records.size() != 2 * answer.records.size()) std::abort();
  return 0;
}
