#include "proxyd/core/sample/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

namespace proxyd::sample {

namespace {

const pcre2_code* code_of(const std::shared_ptr<const void>& p) {
  return static_cast<const pcre2_code*>(p.get());
}

// This thread's match data, large enough for any pattern (groups beyond
// the 32nd are not reported).
pcre2_match_data* match_data() {
  struct Free {
    void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
  };
  thread_local std::unique_ptr<pcre2_match_data, Free> md(pcre2_match_data_create(32, nullptr));
  return md.get();
}

// Matches at <offset>; the number of groups set (0: none), the ovector in <ov>.
int match_at(const pcre2_code* code, std::string_view text, std::size_t offset, PCRE2_SIZE*& ov) {
  auto* md = match_data();
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), offset, 0, md, nullptr);
  if (rc < 0) return 0;  // no match (or a matching error: taken as none)
  ov = pcre2_get_ovector_pointer(md);
  return rc == 0 ? 32 : rc;  // 0: more groups than the ovector holds
}

// <format> with \0..\9 replaced by the groups of the match in <ov>.
void expand(std::string& out, std::string_view text, std::string_view format, const PCRE2_SIZE* ov, int groups) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '\\' && i + 1 < format.size() && std::isdigit(static_cast<unsigned char>(format[i + 1]))) {
      const int g = format[++i] - '0';
      if (g < groups && ov[2 * g] != PCRE2_UNSET) out.append(text.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
    } else {
      out += format[i];
    }
  }
}

}  // namespace

common::Result<Regex> Regex::compile(std::string_view pattern, bool ignore_case) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  auto* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             ignore_case ? PCRE2_CASELESS : 0, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return common::fail("regex '{}': column {}: {}", pattern, offset + 1, reinterpret_cast<const char*>(message));
  }
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // the interpreter runs where the JIT cannot
  Regex re;
  re.code_ = std::shared_ptr<const void>(
      code, [](const void* c) { pcre2_code_free(static_cast<pcre2_code*>(const_cast<void*>(c))); });
  re.pattern_ = std::string(pattern);
  return re;
}

bool Regex::search(std::string_view text) const {
  PCRE2_SIZE* ov = nullptr;
  return match_at(code_of(code_), text, 0, ov) > 0;
}

std::string Regex::substitute(std::string_view text, std::string_view replacement, bool global) const {
  std::string out;
  std::size_t at = 0;
  while (at <= text.size()) {
    PCRE2_SIZE* ov = nullptr;
    const int groups = match_at(code_of(code_), text, at, ov);
    if (groups <= 0) break;
    out.append(text.substr(at, ov[0] - at));
    expand(out, text, replacement, ov, groups);
    if (ov[1] == ov[0]) {  // an empty match: step over one character
      if (ov[1] < text.size()) out += text[ov[1]];
      at = ov[1] + 1;
    } else {
      at = ov[1];
    }
    if (!global) break;
  }
  if (at < text.size()) out.append(text.substr(at));
  return out;
}

std::optional<std::string> Regex::rewrite(std::string_view text, std::string_view format) const {
  PCRE2_SIZE* ov = nullptr;
  const int groups = match_at(code_of(code_), text, 0, ov);
  if (groups <= 0) return std::nullopt;
  std::string out;
  expand(out, text, format, ov, groups);
  return out;
}

}  // namespace proxyd::sample
