#include "proxyd/core/sample/expression.h"

#include <charconv>

#include "common/core/text.h"
#include "proxyd/core/sample/map_converter.h"

namespace proxyd::sample {

namespace {

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& names) {
  const auto guess = common::text::closest_match(word, names);
  return guess ? fmt::format(" (did you mean '{}'?)", *guess) : std::string();
}

common::Status check_count(std::string_view what, std::string_view name, std::size_t n, int min, int max) {
  if (static_cast<int>(n) < min || static_cast<int>(n) > max) {
    if (min == max) return common::fail("{} '{}' takes {} argument(s), {} given", what, name, min, n);
    return common::fail("{} '{}' takes {} to {} arguments, {} given", what, name, min, max, n);
  }
  return {};
}

common::Result<Sample> map_default(std::string_view text, ValueType type) {
  switch (type) {
    case ValueType::Int: {
      std::int64_t v = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size())
        return common::fail("default '{}' is not an integer", text);
      return Sample::of_int(v);
    }
    case ValueType::Ip: {
      const auto ip = common::net::IpAddress::parse(text);
      if (!ip) return common::fail("default '{}' is not an address", text);
      return Sample::of_ip(*ip);
    }
    default:
      return Sample::of_str(std::string(text));
  }
}

// map(FILE[,DEFAULT]) and its kin: the file registered in <lib>.
common::Result<Expression::Step> map_step(const Call& call, const MapSpec& spec, Library* lib) {
  if (auto ok = check_count("converter", call.name, call.args.size(), 1, 2); !ok) return tl::unexpected(ok.error());
  if (lib == nullptr) return common::fail("converter '{}': maps are not available here", call.name);
  auto ref = lib->files.ref(call.args[0], PatternRef::Kind::Map);
  if (!ref) return common::fail("converter '{}': {}", call.name, ref.error().describe());
  Expression::Step step{map_converter(spec.output), call.args, nullptr, nullptr, nullptr};
  auto slot = (*ref)->use(spec.match, false, spec.output);
  if (!slot) return common::fail("converter '{}': {}", call.name, slot.error().describe());
  step.map = std::move(*slot);
  if (call.args.size() == 2) {
    auto fallback = map_default(call.args[1], spec.output);
    if (!fallback) return common::fail("converter '{}': {}", call.name, fallback.error().describe());
    step.fallback = std::make_shared<const Sample>(std::move(*fallback));
  }
  return step;
}

}  // namespace

common::Result<std::vector<Call>> split_calls(std::string_view text) {
  std::vector<Call> calls;
  std::size_t i = 0;
  while (i <= text.size()) {
    Call call;
    while (i < text.size() && text[i] != ',' && text[i] != '(') call.name += text[i++];
    if (call.name.empty()) return common::fail("'{}': empty name in the expression", text);
    if (i < text.size() && text[i] == '(') {
      ++i;
      std::string current;
      char quote = 0;
      int depth = 0;
      bool closed = false;
      for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quote != 0) {
          if (c == quote) {
            quote = 0;
          } else {
            current += c;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '\\' && i + 1 < text.size() &&
                   std::string_view(",()\\\"'").find(text[i + 1]) != std::string_view::npos) {
          current += text[++i];  // an escaped separator; other backslashes stay (regexes)
        } else if (c == ',') {
          call.args.push_back(std::move(current));
          current.clear();
        } else if (c == '(') {
          ++depth;  // a regex's group: its ')' does not end the arguments
          current += c;
        } else if (c == ')' && depth > 0) {
          --depth;
          current += c;
        } else if (c == ')') {
          closed = true;
          ++i;
          break;
        } else {
          current += c;
        }
      }
      if (!closed) return common::fail("'{}': missing ')' after the arguments of '{}'", text, call.name);
      if (!current.empty() || !call.args.empty()) call.args.push_back(std::move(current));
    }
    calls.push_back(std::move(call));
    if (i == text.size()) break;
    if (text[i] != ',') return common::fail("'{}': expected ',' after '{}'", text, calls.back().name);
    ++i;
  }
  return calls;
}

common::Result<Expression> parse_expression(std::string_view text, Library* lib) {
  auto calls = split_calls(text);
  if (!calls) return tl::unexpected(calls.error());
  return parse_expression(*calls, text, lib);
}

common::Result<Expression> parse_expression(const std::vector<Call>& calls, std::string_view text, Library* lib) {
  Expression expr;
  expr.text = std::string(text);
  const auto& first = calls.front();
  expr.fetch = find_fetch(first.name);
  if (expr.fetch == nullptr) {
    return common::fail("unknown fetch '{}'{}", first.name, did_you_mean(first.name, fetch_names()));
  }
  if (auto ok = check_count("fetch", first.name, first.args.size(), expr.fetch->min_args, expr.fetch->max_args); !ok)
    return tl::unexpected(ok.error());
  expr.fetch_args = first.args;
  if (expr.fetch->check != nullptr) {
    if (auto ok = expr.fetch->check(first.args, lib); !ok)
      return common::fail("fetch '{}': {}", first.name, ok.error().describe());
  }
  for (std::size_t i = 1; i < calls.size(); ++i) {
    if (const auto spec = parse_map_converter(calls[i].name)) {
      auto step = map_step(calls[i], *spec, lib);
      if (!step) return tl::unexpected(step.error());
      expr.converters.push_back(std::move(*step));
      continue;
    }
    const auto* conv = find_converter(calls[i].name);
    if (conv == nullptr) {
      auto names = converter_names();
      for (const auto n : map_converter_names()) names.push_back(n);
      return common::fail("unknown converter '{}'{}", calls[i].name, did_you_mean(calls[i].name, names));
    }
    if (auto ok = check_count("converter", calls[i].name, calls[i].args.size(), conv->min_args, conv->max_args); !ok)
      return tl::unexpected(ok.error());
    if (auto ok = conv->check(calls[i].args); !ok) {
      return common::fail("converter '{}': {}", calls[i].name, ok.error().describe());
    }
    Expression::Step step{conv, calls[i].args, nullptr, nullptr, nullptr};
    if (conv->regex) {
      const bool icase = calls[i].args.size() > 2 && calls[i].args[2].find('i') != std::string::npos;
      auto re = Regex::compile(calls[i].args[0], icase);
      if (!re) return common::fail("converter '{}': {}", calls[i].name, re.error().describe());
      step.regex = std::make_shared<const Regex>(std::move(*re));
    }
    expr.converters.push_back(std::move(step));
  }
  return expr;
}

std::vector<Sample> evaluate(const Expression& expr, const Context& ctx) {
  auto samples = expr.fetch->fn(ctx, expr.fetch_args);
  if (expr.converters.empty()) return samples;
  std::vector<Sample> out;
  out.reserve(samples.size());
  for (auto& s : samples) {
    std::optional<Sample> current = std::move(s);
    for (const auto& step : expr.converters) {
      current = step.converter->fn(
          std::move(*current), ConverterArgs{step.args, step.regex.get(), step.map.get(), step.fallback.get(), &ctx});
      if (!current) break;
    }
    if (current) out.push_back(std::move(*current));
  }
  return out;
}

std::optional<Sample> evaluate_first(const Expression& expr, const Context& ctx) {
  auto samples = evaluate(expr, ctx);
  if (samples.empty()) return std::nullopt;
  return std::move(samples.front());
}

}  // namespace proxyd::sample
