#include "proxyd/core/config/cpu_map.h"

#include "common/core/config/value_parsers.h"
#include "common/core/text.h"

namespace proxyd::config {

namespace {

using common::fail;

constexpr std::uint32_t kMaxCpu = 4095;

// "3" or "0-3" (inclusive), appended to <out>.
common::Status parse_range(std::string_view text, std::uint32_t max, std::vector<std::uint32_t>& out) {
  const auto dash = text.find('-');
  const auto first = common::config::parse_uint(text.substr(0, dash), 0, max);
  const auto last = dash == std::string_view::npos ? first : common::config::parse_uint(text.substr(dash + 1), 0, max);
  if (!first || !last || *last < *first) return fail("'{}': expected N or N-M", text);
  for (auto n = *first; n <= *last; ++n) out.push_back(static_cast<std::uint32_t>(n));
  return {};
}

}  // namespace

common::Result<CpuMap> parse_cpu_map(std::string_view value) {
  const auto words = common::text::split_words(value);
  constexpr auto kUsage = "expected [auto:]1[/THREADS] CPUS… (1/1 0, 1/all 0-3, auto:1/1-4 0-3)";
  if (words.size() < 2) return fail("{}", kUsage);
  CpuMap map;
  auto target = words[0];
  if (target.starts_with("auto:")) {
    map.automatic = true;
    target.remove_prefix(5);
  }
  const auto slash = target.find('/');
  const auto process = target.substr(0, slash);
  if (process != "1" && process != "all") return fail("process set '{}': proxyd is one process (1 or all)", process);
  const auto threads = slash == std::string_view::npos ? std::string_view("all") : target.substr(slash + 1);
  if (threads != "all") {
    std::vector<std::uint32_t> numbers;
    if (auto ok = parse_range(threads, 64, numbers); !ok || numbers.front() == 0) return fail("{}", kUsage);
    map.first_thread = numbers.front();
    map.last_thread = numbers.back();
  }
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (auto ok = parse_range(words[i], kMaxCpu, map.cpus); !ok) return tl::unexpected(ok.error());
  }
  if (map.automatic && map.last_thread != 0 && map.cpus.size() != map.last_thread - map.first_thread + 1)
    return fail("auto: {} threads but {} CPUs", map.last_thread - map.first_thread + 1, map.cpus.size());
  return map;
}

std::vector<std::uint32_t> cpus_for_thread(const std::vector<CpuMap>& maps, std::uint32_t index) {
  std::vector<std::uint32_t> out;
  const auto thread = index + 1;
  for (const auto& m : maps) {
    const bool all = m.last_thread == 0;
    if (!all && (thread < m.first_thread || thread > m.last_thread)) continue;
    if (m.automatic) {
      const auto offset = thread - m.first_thread;
      out = offset < m.cpus.size() ? std::vector<std::uint32_t>{m.cpus[offset]} : std::vector<std::uint32_t>{};
    } else {
      out = m.cpus;
    }
  }
  return out;
}

}  // namespace proxyd::config
