#include "proxyd/core/sample/acl.h"

#include <array>

#include "common/core/text.h"

namespace proxyd::sample {

namespace {

// The fetch named by the first call, or a shorthand: "path_beg" is path
// with -m beg, "hdr_dom" hdr with -m dom ...
struct Resolved {
  std::vector<Call> calls;
  std::optional<Match> method;
};

Resolved resolve_shorthand(std::vector<Call> calls) {
  Resolved r{std::move(calls), std::nullopt};
  auto& name = r.calls.front().name;
  if (find_fetch(name) != nullptr) return r;
  const auto underscore = name.rfind('_');
  if (underscore == std::string::npos) return r;
  const auto method = parse_match(std::string_view(name).substr(underscore + 1));
  const auto base = name.substr(0, underscore);
  if (method && find_fetch(base) != nullptr) {
    name = base;
    r.method = method;
  }
  return r;
}

Match default_method(const Expression& expr, std::optional<Match> shorthand) {
  if (shorthand) return *shorthand;
  // The last converter decides the type of what is matched.
  if (!expr.converters.empty()) return expr.converters.back().converter->output;
  return expr.fetch->default_match;
}

struct Predefined {
  std::string_view name;
  std::string_view criterion;
};
// configuration.txt 7.4 (those that need what proxyd has).
constexpr std::array<Predefined, 14> kPredefined{{
    {"TRUE", "always_true"},
    {"FALSE", "always_false"},
    {"LOCALHOST", "src 127.0.0.0/8 ::1"},
    {"HTTP", "always_true"},
    {"HTTP_1.0", "req.ver 1.0"},
    {"HTTP_1.1", "req.ver 1.1"},
    {"HTTP_URL_SLASH", "url_beg /"},
    {"METH_CONNECT", "method CONNECT"},
    {"METH_DELETE", "method DELETE"},
    {"METH_GET", "method GET HEAD"},
    {"METH_HEAD", "method HEAD"},
    {"METH_OPTIONS", "method OPTIONS"},
    {"METH_POST", "method POST"},
    {"METH_PUT", "method PUT"},
}};

std::shared_ptr<const Acl> predefined(std::string_view name) {
  for (const auto& p : kPredefined) {
    if (p.name != name) continue;
    auto words = split(p.criterion);
    auto criterion = words ? parse_criterion(*words) : tl::unexpected(words.error());
    if (!criterion) return nullptr;  // never: kPredefined is tested
    auto acl = std::make_shared<Acl>();
    acl->name = std::string(name);
    acl->criteria.push_back(std::move(*criterion));
    return acl;
  }
  return nullptr;
}

}  // namespace

common::Result<Criterion> parse_criterion(std::span<const Word> words, Library* lib) {
  if (words.empty()) return common::fail("expected FETCH [flags] [patterns]");
  auto calls = split_calls(words[0].text);
  if (!calls) return tl::unexpected(calls.error());
  auto shorthand = resolve_shorthand(std::move(*calls));
  auto expr = parse_expression(shorthand.calls, words[0].text, lib);
  if (!expr) return tl::unexpected(expr.error());
  bool ignore_case = false;
  std::vector<std::string> files;
  std::optional<Match> method;
  std::size_t i = 1;
  for (; i < words.size() && words[i].text.starts_with('-') && !words[i].quoted; ++i) {
    const auto& flag = words[i].text;
    if (flag == "--") {
      ++i;
      break;
    }
    if (flag == "-i") {
      ignore_case = true;
    } else if (flag == "-n" || flag == "-u") {
      // -n: no DNS resolution of patterns (proxyd never resolves them); -u: ignored.
    } else if (flag == "-m") {
      if (i + 1 == words.size())
        return common::fail("-m needs a method (str beg end sub dir dom len int ip bool found)");
      method = parse_match(words[++i].text);
      if (!method)
        return common::fail("unknown match method '{}' (str beg end sub dir dom len int ip bool found reg)",
                            words[i].text);
    } else if (flag == "-f") {
      if (i + 1 == words.size()) return common::fail("-f needs a file name");
      files.push_back(words[++i].text);
    } else {
      break;  // a negative integer pattern
    }
  }
  std::vector<std::string> patterns;
  for (; i < words.size(); ++i) patterns.push_back(words[i].text);
  if (!method && !shorthand.method && expr->converters.empty() && expr->fetch->needs_method &&
      (!patterns.empty() || !files.empty()))
    return common::fail("'{}' has no fixed type: name the match method first (-m str, -m int ...)", words[0].text);
  auto m = method.value_or(default_method(*expr, shorthand.method));
  if (patterns.empty() && files.empty() && m != Match::Found) m = Match::Bool;  // no pattern: the sample's truth
  auto set = make_patterns(m, ignore_case, patterns);
  if (!set) return tl::unexpected(set.error());
  Criterion criterion{std::move(*expr), std::move(*set), {}};
  for (const auto& file : files) {
    if (lib == nullptr) return common::fail("-f {}: pattern files are not available here", file);
    if (m == Match::Found || m == Match::Bool) return common::fail("-f {}: -m found and -m bool take no pattern", file);
    auto ref = lib->files.ref(file, PatternRef::Kind::Acl);
    if (!ref) return common::fail("-f {}", ref.error().describe());
    auto slot = (*ref)->use(m, ignore_case, ValueType::None);
    if (!slot) return common::fail("-f {}", slot.error().describe());
    criterion.files.push_back(std::move(*slot));
  }
  return criterion;
}

common::Result<NamedCriterion> parse_acl_line(std::string_view value, Library* lib) {
  auto words = split(value);
  if (!words) return tl::unexpected(words.error());
  if (words->size() < 2) return common::fail("expected NAME FETCH [flags] [patterns]");
  const auto& name = (*words)[0].text;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != ':')
      return common::fail("ACL name '{}': only letters, digits, '_', '-', '.' and ':'", name);
  }
  auto criterion = parse_criterion(std::span<const Word>(*words).subspan(1), lib);
  if (!criterion) return tl::unexpected(criterion.error());
  return NamedCriterion{name, std::move(*criterion)};
}

void add_acl(AclTable& table, NamedCriterion acl) {
  auto& entry = table[acl.name];
  if (!entry) {
    entry = std::make_shared<Acl>();
    entry->name = acl.name;
  }
  entry->criteria.push_back(std::move(acl.criterion));
}

common::Status add_acl(AclTable& table, std::string_view value, Library* lib) {
  auto acl = parse_acl_line(value, lib);
  if (!acl) return tl::unexpected(acl.error());
  add_acl(table, std::move(*acl));
  return {};
}

common::Result<Condition> parse_condition(std::span<const Word> words, Library* lib) {
  Condition c;
  if (words.empty() || (words[0].text != "if" && words[0].text != "unless"))
    return common::fail("expected 'if' or 'unless'");
  c.unless = words[0].text == "unless";
  c.any_of.emplace_back();
  for (std::size_t i = 1; i < words.size(); ++i) {
    auto text = std::string_view(words[i].text);
    if (!words[i].quoted && (text == "||" || text == "or")) {
      if (c.any_of.back().empty())
        return common::fail("column {}: '{}' without a term before it", words[i].column, text);
      c.any_of.emplace_back();
      continue;
    }
    Condition::Term term;
    if (!words[i].quoted && text.starts_with('!')) {
      term.negate = true;
      text.remove_prefix(1);
      if (text.empty()) {
        if (++i == words.size()) return common::fail("'!' at the end of the condition");
        text = words[i].text;
      }
    }
    if (text == "{") {
      std::size_t end = i + 1;
      while (end < words.size() && words[end].text != "}") ++end;
      if (end == words.size()) return common::fail("column {}: '{{' without '}}'", words[i].column);
      auto criterion = parse_criterion(words.subspan(i + 1, end - i - 1), lib);
      if (!criterion) return common::fail("column {}: {}", words[i].column, criterion.error().describe());
      auto acl = std::make_shared<Acl>();
      acl->name = "{ anonymous }";
      acl->criteria.push_back(std::move(*criterion));
      term.acl = std::move(acl);
      i = end;
    } else {
      term.name = std::string(text);
    }
    c.any_of.back().push_back(std::move(term));
  }
  if (c.any_of.back().empty()) return common::fail("the condition after '{}' is empty", words[0].text);
  return c;
}

common::Status resolve(Condition& condition, const AclTable& table) {
  for (auto& group : condition.any_of) {
    for (auto& term : group) {
      if (term.acl) continue;
      if (const auto it = table.find(term.name); it != table.end()) {
        term.acl = it->second;
        continue;
      }
      if ((term.acl = predefined(term.name))) continue;
      std::vector<std::string_view> names;
      for (const auto& [n, _] : table) names.push_back(n);
      for (const auto& p : kPredefined) names.push_back(p.name);
      const auto guess = common::text::closest_match(term.name, names);
      return common::fail("no ACL named '{}'{}", term.name,
                          guess ? fmt::format(" (did you mean '{}'?)", *guess) : std::string());
    }
  }
  return {};
}

bool needs_http(const Condition& condition) {
  for (const auto& group : condition.any_of) {
    for (const auto& term : group) {
      if (!term.acl) continue;
      for (const auto& c : term.acl->criteria) {
        if (c.expression.fetch->http) return true;
      }
    }
  }
  return false;
}

bool evaluate(const Criterion& criterion, const Context& ctx) {
  const auto samples = evaluate(criterion.expression, ctx);
  if (criterion.patterns.method == Match::Found) return !samples.empty();
  for (const auto& s : samples) {
    if (matches(criterion.patterns, s)) return true;
    for (const auto& slot : criterion.files) {
      const auto set = slot->get();
      if (set && lookup(*set, s)) return true;
    }
  }
  return false;
}

bool evaluate(const Acl& acl, const Context& ctx) {
  for (const auto& c : acl.criteria) {
    if (evaluate(c, ctx)) return true;
  }
  return false;
}

bool evaluate(const Condition& condition, const Context& ctx) {
  bool result = false;
  for (const auto& group : condition.any_of) {
    bool all = true;
    for (const auto& term : group) {
      if (evaluate(*term.acl, ctx) == term.negate) {
        all = false;
        break;
      }
    }
    if (all) {
      result = true;
      break;
    }
  }
  return result != condition.unless;
}

common::Result<Guarded> split_condition(std::string_view value, Library* lib) {
  auto words = split(value);
  if (!words) return tl::unexpected(words.error());
  Guarded g;
  std::size_t i = 0;
  for (; i < words->size(); ++i) {
    const auto& w = (*words)[i];
    if (!w.quoted && (w.text == "if" || w.text == "unless")) break;
    g.words.push_back(w);
  }
  if (i < words->size()) {
    auto condition = parse_condition(std::span<const Word>(*words).subspan(i), lib);
    if (!condition) return tl::unexpected(condition.error());
    condition->text = std::string(value.substr((*words)[i].column - 1));
    g.condition = std::move(*condition);
  }
  return g;
}

}  // namespace proxyd::sample
