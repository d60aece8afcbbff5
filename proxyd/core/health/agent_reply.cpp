#include "proxyd/core/health/agent_reply.h"

#include <algorithm>
#include <charconv>

#include "common/core/text.h"

namespace proxyd::health {
namespace {

std::optional<std::uint32_t> number(std::string_view digits, std::uint32_t max) {
  std::uint32_t value = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
  return value;
}

std::string lower(std::string_view word) {
  std::string out(word);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void apply_word(AgentReply& reply, std::string_view raw) {
  const auto word = lower(raw);
  if (word.ends_with('%')) {
    if (auto pct = number(std::string_view(word).substr(0, word.size() - 1), 25600)) {
      reply.weight_percent = pct;
      return;
    }
  } else if (word.starts_with("maxconn:")) {
    if (auto n = number(std::string_view(word).substr(8), 10'000'000)) {
      reply.maxconn = n;
      return;
    }
  } else if (word == "ready" || word == "drain" || word == "maint") {
    reply.admin = word == "ready"   ? stats::AdminState::Ready
                  : word == "drain" ? stats::AdminState::Drain
                                    : stats::AdminState::Maint;
    return;
  } else if (word == "up" || word == "down" || word == "failed" || word == "stopped") {
    reply.up = word == "up";
    return;
  }
  if (reply.unknown.size() < 8) reply.unknown.emplace_back(raw.substr(0, 64));
}

}  // namespace

AgentReply parse_agent_reply(std::string_view text) {
  AgentReply reply;
  auto line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (const auto hash = line.find('#'); hash != std::string_view::npos) {
    reply.description = std::string(common::text::trim(line.substr(hash + 1)).substr(0, 200));
    line = line.substr(0, hash);
  }
  std::size_t i = 0;
  while (i < line.size()) {
    const auto start = line.find_first_not_of(" \t,", i);
    if (start == std::string_view::npos) break;
    const auto end = std::min(line.find_first_of(" \t,", start), line.size());
    apply_word(reply, line.substr(start, end - start));
    i = end;
  }
  return reply;
}

std::uint32_t agent_weight(std::uint32_t configured, std::uint32_t percent) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{configured} * percent / 100, 256));
}

}  // namespace proxyd::health
