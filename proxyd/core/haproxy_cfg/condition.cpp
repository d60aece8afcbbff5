#include "proxyd/core/haproxy_cfg/condition.h"

#include <charconv>
#include <string>
#include <vector>

#include "common/core/text.h"
#include "proxyd/core/haproxy_cfg/lexer.h"

namespace proxyd::haproxy_cfg {
namespace {

using common::fail;
using common::Result;

// Recursive descent over the expression text.
class Parser {
 public:
  Parser(std::string_view text, const common::config::EnvLookup& env) : text_(text), env_(env) {}

  Result<bool> run() {
    skip_blanks();
    if (at_end()) return false;
    auto value = disjunction();
    if (!value) return value;
    skip_blanks();
    if (!at_end()) return fail("condition: unexpected '{}'", text_.substr(pos_));
    return value;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  void skip_blanks() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool take(std::string_view token) {
    skip_blanks();
    if (!text_.substr(pos_).starts_with(token)) return false;
    pos_ += token.size();
    return true;
  }

  Result<bool> disjunction() {
    auto value = conjunction();
    while (value && take("||")) {
      auto next = conjunction();
      if (!next) return next;
      value = *value || *next;
    }
    return value;
  }

  Result<bool> conjunction() {
    auto value = unary();
    while (value && take("&&")) {
      auto next = unary();
      if (!next) return next;
      value = *value && *next;
    }
    return value;
  }

  Result<bool> unary() {
    if (take("!")) {
      auto value = unary();
      if (!value) return value;
      return !*value;
    }
    if (take("(")) {
      auto value = disjunction();
      if (!value) return value;
      if (!take(")")) return fail("condition: missing ')'");
      return value;
    }
    return term();
  }

  Result<bool> term() {
    skip_blanks();
    const auto start = pos_;
    while (!at_end() && text_[pos_] != '(' && text_[pos_] != ')' && text_[pos_] != ' ' && text_[pos_] != '&' &&
           text_[pos_] != '|') {
      ++pos_;
    }
    const auto name = text_.substr(start, pos_ - start);
    if (name.empty()) return fail("condition: expected a term at '{}'", text_.substr(start));
    if (at_end() || text_[pos_] != '(') return integer(name);
    const auto close = text_.find(')', pos_);
    if (close == std::string_view::npos) return fail("condition: missing ')' after '{}('", name);
    const auto args = split_args(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return predicate(name, args);
  }

  static Result<bool> integer(std::string_view word) {
    long long value = 0;
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value);
    if (error != std::errc() || end != word.data() + word.size()) {
      return fail("condition: '{}' is neither an integer nor a predicate", word);
    }
    return value != 0;
  }

  static std::vector<std::string_view> split_args(std::string_view inside) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (true) {
      const auto comma = inside.find(',', at);
      out.push_back(common::text::trim(inside.substr(at, comma - at)));
      if (comma == std::string_view::npos) return out;
      at = comma + 1;
    }
  }

  Result<bool> predicate(std::string_view name, const std::vector<std::string_view>& args) {
    const auto want = [&](std::size_t n) -> common::Status {
      if (args.size() != n) return fail("condition: {}() takes {} argument(s)", name, n);
      return {};
    };
    const bool one = name == "defined" || name == "feature" || name == "version_atleast" || name == "version_before";
    if (auto ok = want(one ? 1 : 2); !ok && (one || name == "streq" || name == "strneq")) {
      return tl::unexpected(ok.error());
    }
    if (name == "defined") return env_(args[0]).has_value();
    if (name == "feature") return has_feature(args[0]);
    if (name == "streq") return args[0] == args[1];
    if (name == "strneq") return args[0] != args[1];
    if (name == "version_atleast") return compare_versions(kHaproxyVersion, args[0]) >= 0;
    if (name == "version_before") return compare_versions(kHaproxyVersion, args[0]) < 0;
    return fail(
        "condition: unknown predicate '{}' (defined, feature, streq, strneq, version_atleast, "
        "version_before)",
        name);
  }

  std::string_view text_;
  const common::config::EnvLookup& env_;
  std::size_t pos_ = 0;
};

// The numeric components of a version, and whether a suffix (-dev…) follows.
std::pair<std::vector<long>, bool> components(std::string_view v) {
  std::vector<long> out;
  std::size_t at = 0;
  while (at < v.size()) {
    long n = 0;
    const auto [end, error] = std::from_chars(v.data() + at, v.data() + v.size(), n);
    if (error != std::errc()) break;
    out.push_back(n);
    at = static_cast<std::size_t>(end - v.data());
    if (at < v.size() && v[at] == '.') {
      ++at;
      continue;
    }
    break;
  }
  return {out, at < v.size()};
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  const auto [x, x_suffix] = components(a);
  const auto [y, y_suffix] = components(b);
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    const long p = i < x.size() ? x[i] : 0;
    const long q = i < y.size() ? y[i] : 0;
    if (p != q) return p < q ? -1 : 1;
  }
  if (x_suffix != y_suffix) return x_suffix ? -1 : 1;
  return 0;
}

Result<bool> evaluate_condition(std::string_view expression, const common::config::EnvLookup& env) {
  return Parser(expression, env).run();
}

}  // namespace proxyd::haproxy_cfg
