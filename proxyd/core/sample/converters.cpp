#include "proxyd/core/sample/converters.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/core/text.h"
#include "proxyd/core/sample/variables.h"

namespace proxyd::sample {

namespace {

using Args = const ConverterArgs&;
using CheckArgs = std::span<const std::string>;
using Out = std::optional<Sample>;

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

common::Status all_numbers(CheckArgs args) {
  for (const auto& a : args) {
    if (!number(a)) return common::fail("'{}' is not an integer", a);
  }
  return {};
}
common::Status anything(CheckArgs) {
  return {};
}

Out lower(Sample s, Args) {
  return Sample::of_str(common::text::to_lower(s.as_text()));
}
Out upper(Sample s, Args) {
  auto t = s.as_text();
  for (auto& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Sample::of_str(std::move(t));
}
Out length(Sample s, Args) {
  return Sample::of_int(static_cast<std::int64_t>(s.as_text().size()));
}

// field(n,delims[,count]): the n-th field (1-based; negative from the end).
Out field(Sample s, Args a) {
  const auto text = s.as_text();
  const auto& delims = a[1];
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || delims.find(text[i]) != std::string::npos) {
      fields.emplace_back(text.data() + start, i - start);
      start = i + 1;
    }
  }
  const auto n = number(a[0]).value_or(0);
  const auto count = static_cast<std::int64_t>(fields.size());
  const auto index = n > 0 ? n - 1 : count + n;
  if (n == 0 || index < 0 || index >= count) return Sample::of_str("");
  return Sample::of_str(std::string(fields[static_cast<std::size_t>(index)]));
}

// word(n,delims): as field, but empty words (runs of delimiters) do not count.
Out word(Sample s, Args a) {
  const auto text = s.as_text();
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && a[1].find(text[i]) != std::string::npos) ++i;
    const auto start = i;
    while (i < text.size() && a[1].find(text[i]) == std::string::npos) ++i;
    if (i > start) words.emplace_back(text.data() + start, i - start);
  }
  const auto n = number(a[0]).value_or(0);
  const auto count = static_cast<std::int64_t>(words.size());
  const auto index = n > 0 ? n - 1 : count + n;
  if (n == 0 || index < 0 || index >= count) return Sample::of_str("");
  return Sample::of_str(std::string(words[static_cast<std::size_t>(index)]));
}

Out to_bool(Sample s, Args) {
  return Sample::of_bool(s.as_bool());
}
Out negate_bool(Sample s, Args) {
  return Sample::of_bool(!s.as_bool());
}

template <typename Op>
Out arith(const Sample& s, Args a, Op op) {
  const auto v = s.as_int();
  if (!v) return std::nullopt;
  return op(*v, number(a[0]).value_or(0));
}
Out add(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x + y); });
}
Out sub(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x - y); });
}
Out mul(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x * y); });
}
// HAProxy: a division by zero gives the largest integer.
Out div(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(y == 0 ? INT64_MAX : x / y); });
}
Out mod(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(y == 0 ? 0 : x % y); });
}
Out bit_and(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x & y); });
}
Out bit_or(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x | y); });
}
Out bit_xor(Sample s, Args a) {
  return arith(s, a, [](auto x, auto y) -> Out { return Sample::of_int(x ^ y); });
}
Out neg(Sample s, Args) {
  const auto v = s.as_int();
  return v ? Out(Sample::of_int(-*v)) : std::nullopt;
}

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Out base64(Sample s, Args) {
  const auto in = s.as_text();
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i])) << 16;
    if (i + 1 < in.size()) chunk |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i + 1])) << 8;
    if (i + 2 < in.size()) chunk |= static_cast<std::uint8_t>(in[i + 2]);
    out += kBase64[(chunk >> 18) & 63];
    out += kBase64[(chunk >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(chunk >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[chunk & 63] : '=';
  }
  return Sample::of_str(std::move(out));
}

Out b64dec(Sample s, Args) {
  const auto in = s.as_text();
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    if (c == '=') break;
    const auto v = kBase64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return Sample::of_str(std::move(out));
}

Out hex(Sample s, Args) {
  static constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string out;
  for (const char c : s.as_text()) {
    const auto b = static_cast<std::uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return Sample::of_str(std::move(out));
}

// url_dec: %XX and (in a query) '+' as in HAProxy.
Out url_dec(Sample s, Args) {
  const auto in = s.as_text();
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i] == '+' ? ' ' : in[i];
    }
  }
  return Sample::of_str(std::move(out));
}

// ipmask(mask4[,mask6]): the address with its host bits cleared.
common::net::IpAddress masked(const common::net::IpAddress& ip, std::int64_t prefix) {
  std::array<std::uint8_t, 16> bytes{};
  const auto in = ip.bytes();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto keep = std::clamp<std::int64_t>(prefix - static_cast<std::int64_t>(i) * 8, 0, 8);
    bytes[i] = static_cast<std::uint8_t>(in[i] & (0xff00 >> keep));
  }
  if (ip.is_v4()) return common::net::IpAddress::v4(std::span<const std::uint8_t, 4>(bytes.data(), 4));
  return common::net::IpAddress::v6(bytes);
}

Out ipmask(Sample s, Args a) {
  const auto ip = s.as_ip();
  if (!ip) return std::nullopt;
  const auto prefix = number(ip->is_v4() ? a[0] : (a.size() > 1 ? a[1] : std::string("128")));
  return Sample::of_ip(masked(*ip, prefix.value_or(128)));
}
common::Status ipmask_check(CheckArgs a) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto bits = number(a[i]);
    if (!bits || *bits < 0 || *bits > (i == 0 ? 32 : 128)) return common::fail("ipmask: bad prefix length '{}'", a[i]);
  }
  return {};
}

common::Status field_check(CheckArgs a) {
  if (!number(a[0])) return common::fail("'{}' is not an integer", a[0]);
  if (a[1].empty()) return common::fail("empty delimiter list");
  return {};
}

// regsub(regex,subst[,flags]): flags i (ignore case, compiled in) and g
// (every match).
Out regsub(Sample s, Args a) {
  const bool global = a.size() > 2 && a[2].find('g') != std::string::npos;
  return Sample::of_str(a.regex->substitute(s.as_text(), a[1], global));
}
common::Status regsub_check(CheckArgs a) {
  if (a.size() > 2 && a[2].find_first_not_of("ig") != std::string::npos) {
    return common::fail("regsub flags: only i and g, got '{}'", a[2]);
  }
  return {};
}

// json([utf8|utf8s|utf8p|utf8ps|ascii]): the text escaped for a JSON string.
Out json(Sample s, Args) {
  std::string out;
  for (const char c : s.as_text()) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return Sample::of_str(std::move(out));
}
// bytes(OFFSET[,LENGTH])
Out bytes(Sample s, Args a) {
  const auto text = s.as_text();
  const auto offset = static_cast<std::size_t>(std::max<std::int64_t>(0, number(a[0]).value_or(0)));
  if (offset > text.size()) return Sample::of_str({});
  const auto length =
      a.size() > 1 ? static_cast<std::size_t>(std::max<std::int64_t>(0, number(a[1]).value_or(0))) : std::string::npos;
  return Sample::of_str(text.substr(offset, length));
}
// concat([START],[VARIABLE],[END]): START, the variable's value, END after the sample.
Out concat(Sample s, Args a) {
  auto text = s.as_text();
  if (a.size() > 0) text += a[0];
  if (a.size() > 1 && !a[1].empty() && a.ctx != nullptr && a.ctx->vars != nullptr) {
    if (const auto name = parse_var_name(a[1])) {
      if (const auto v = a.ctx->vars->get(*name)) text += v->as_text();
    }
  }
  if (a.size() > 2) text += a[2];
  return Sample::of_str(std::move(text));
}
common::Status json_check(CheckArgs args) {
  static constexpr std::array<std::string_view, 5> kModes{"utf8", "utf8s", "utf8p", "utf8ps", "ascii"};
  if (!args.empty() && std::find(kModes.begin(), kModes.end(), args[0]) == kModes.end())
    return common::fail("json: '{}' is not utf8, utf8s, utf8p, utf8ps or ascii", args[0]);
  return {};
}
common::Status concat_check(CheckArgs args) {
  if (args.size() > 1 && !args[1].empty()) {
    if (auto v = parse_var_name(args[1]); !v) return tl::unexpected(v.error());
  }
  return {};
}

constexpr std::array kConverters{
    ConverterDef{"lower", lower, 0, 0, anything},
    ConverterDef{"json", json, 0, 1, json_check},
    ConverterDef{"bytes", bytes, 1, 2, all_numbers},
    ConverterDef{"concat", concat, 0, 3, concat_check},
    ConverterDef{"upper", upper, 0, 0, anything},
    ConverterDef{"length", length, 0, 0, anything, false, Match::Int},
    ConverterDef{"field", field, 2, 3, field_check},
    ConverterDef{"word", word, 2, 3, field_check},
    ConverterDef{"bool", to_bool, 0, 0, anything, false, Match::Bool},
    ConverterDef{"not", negate_bool, 0, 0, anything, false, Match::Bool},
    ConverterDef{"add", add, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"sub", sub, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"mul", mul, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"div", div, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"mod", mod, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"and", bit_and, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"or", bit_or, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"xor", bit_xor, 1, 1, all_numbers, false, Match::Int},
    ConverterDef{"neg", neg, 0, 0, anything, false, Match::Int},
    ConverterDef{"base64", base64, 0, 0, anything},
    ConverterDef{"b64dec", b64dec, 0, 0, anything},
    ConverterDef{"hex", hex, 0, 0, anything},
    ConverterDef{"url_dec", url_dec, 0, 1, anything},
    ConverterDef{"ipmask", ipmask, 1, 2, ipmask_check, false, Match::Ip},
    ConverterDef{"regsub", regsub, 2, 3, regsub_check, true},
};

}  // namespace

const ConverterDef* find_converter(std::string_view name) {
  for (const auto& c : kConverters) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string_view> converter_names() {
  std::vector<std::string_view> names;
  for (const auto& c : kConverters) names.push_back(c.name);
  return names;
}

}  // namespace proxyd::sample
