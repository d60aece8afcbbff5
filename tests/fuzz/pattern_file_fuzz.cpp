// Map and pattern files: the first byte picks the kind (map or pattern
// list), the match method, -i and the value type; the rest is the file.
// Never crash; a file that loads answers every one of its own keys the same
// way twice; serialize() reloads to the same entries.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proxyd/core/sample/pattern_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace proxyd::sample;
  static constexpr Match kMethods[] = {Match::Str, Match::Beg, Match::End, Match::Sub, Match::Dir,
                                       Match::Dom, Match::Reg, Match::Int, Match::Ip,  Match::Len};
  const auto pick = data[0];
  const auto kind = (pick & 1) ? PatternRef::Kind::Map : PatternRef::Kind::Acl;
  const auto method = kMethods[(pick >> 1) % std::size(kMethods)];
  const bool icase = (pick & 0x40) != 0;
  const auto values = kind == PatternRef::Kind::Map ? static_cast<ValueType>(1 + (pick >> 7)) : ValueType::None;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  PatternRef ref("/fuzz", kind, 0);
  auto slot = ref.use(method, icase, values);
  if (!slot || !ref.load(text)) return 0;
  const auto set = (*slot)->get();
  if (!set) std::abort();
  for (const auto& e : ref.entries()) {
    const auto sample = Sample::of_str(e.key);
    if (lookup(*set, sample) != lookup(*set, sample)) std::abort();
  }
  PatternRef again("/fuzz", kind, 0);
  (void)again.use(method, icase, values);
  if (!again.load(ref.serialize()) || again.entries().size() != ref.entries().size()) std::abort();
  if (!ref.entries().empty() && !ref.del("#" + std::to_string(ref.entries().front().id))) std::abort();
  return 0;
}
