#include "proxyd/core/health/tcp_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/core/config/value_parsers.h"
#include "common/core/text.h"

namespace proxyd::health {

namespace {

using common::fail;
using Kind = TcpCheckStep::Kind;
using Match = TcpCheckStep::Match;

// The most an expect reads before judging what it has.
constexpr std::size_t kMaxExpectBuffer = 16 * 1024;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

common::Result<std::string> unescape_check_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    if (c == 'r')
      out += '\r';
    else if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (c == 'x' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else if (c == '\\' || c == ' ' || c == '"' || c == '\'' || c == '#') {
      out += c;
    } else {
      return fail("unknown escape '\\{}'", c);
    }
  }
  return out;
}

namespace {

common::Result<std::string> from_hex(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return fail("expected an even number of hex digits");
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return fail("'{}' is not hexadecimal", hex);
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) out += fmt::format("{:02X}", static_cast<unsigned char>(c));
  return out;
}

// The rest of <value> after its first <n> words.
std::string_view after_words(std::string_view value, std::size_t n) {
  value = common::text::trim(value);
  for (std::size_t i = 0; i < n; ++i) {
    const auto space = value.find_first_of(" \t");
    value = space == std::string_view::npos ? std::string_view{} : common::text::trim(value.substr(space));
  }
  return value;
}

common::Result<TcpCheckStep> parse_expect(std::string_view value, std::span<const std::string_view> words) {
  TcpCheckStep step;
  step.kind = Kind::Expect;
  std::size_t at = 1;
  if (words.size() > at && words[at] == "!") {
    step.negate = true;
    ++at;
  }
  static constexpr std::pair<std::string_view, Match> kMatches[] = {
      {"string", Match::String}, {"rstring", Match::Rstring}, {"binary", Match::Binary}, {"rbinary", Match::Rbinary}};
  const auto usage = "expect [!] string|rstring|binary|rbinary PATTERN";
  if (words.size() <= at + 1) return fail("{}", usage);
  const auto* found =
      std::find_if(std::begin(kMatches), std::end(kMatches), [&](const auto& m) { return m.first == words[at]; });
  if (found == std::end(kMatches)) return fail("{}", usage);
  step.match = found->second;
  step.text = std::string(after_words(value, at + 1));
  if (step.match == Match::String) {
    auto text = unescape_check_text(step.text);
    if (!text) return tl::unexpected(text.error());
    step.data = std::move(*text);
  } else if (step.match == Match::Binary) {
    auto bytes = from_hex(step.text);
    if (!bytes) return tl::unexpected(bytes.error());
    step.data = std::move(*bytes);
  } else {
    auto re = sample::Regex::compile(step.text);
    if (!re) return tl::unexpected(re.error());
    step.regex = std::move(*re);
  }
  return step;
}

}  // namespace

common::Result<TcpCheckStep> parse_tcp_check_step(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty()) return fail("expected connect, send, send_binary or expect");
  if (words[0] == "connect") {
    TcpCheckStep step;
    step.kind = Kind::Connect;
    constexpr auto kUsage = "connect [port N] [ssl] (other connect options are not supported)";
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (words[i] == "ssl" && !step.ssl) {
        step.ssl = true;
      } else if (words[i] == "port" && i + 1 < words.size() && step.port == 0) {
        const auto port = common::config::parse_uint(words[++i], 1, 65535);
        if (!port) return fail("{}", kUsage);
        step.port = static_cast<std::uint16_t>(*port);
      } else {
        return fail("{}", kUsage);
      }
    }
    return step;
  }
  if (words[0] == "send" || words[0] == "send_binary") {
    TcpCheckStep step;
    step.text = std::string(after_words(value, 1));
    if (step.text.empty()) return fail("{} needs the data to send", words[0]);
    auto data = words[0] == "send" ? unescape_check_text(step.text) : from_hex(step.text);
    if (!data) return tl::unexpected(data.error());
    step.data = std::move(*data);
    return step;
  }
  if (words[0] == "expect") return parse_expect(value, words);
  return fail("unknown tcp_check step '{}' (expected connect, send, send_binary or expect)", words[0]);
}

TcpCheckRun::TcpCheckRun(std::span<const TcpCheckStep> steps) : steps_(steps) {
  if (!steps_.empty() && steps_.front().kind == Kind::Connect) {
    implicit_connect_ = false;
    next_ = 1;
  }
}

std::uint16_t TcpCheckRun::connect_port() const {
  return implicit_connect_ ? 0 : steps_.front().port;
}

bool TcpCheckRun::connect_ssl() const {
  return !implicit_connect_ && steps_.front().ssl;
}

int TcpCheckRun::step_number() const {
  return static_cast<int>(next_) + (implicit_connect_ ? 2 : 1);
}

TcpCheckRun::Action TcpCheckRun::fail(CheckStatus status, std::string info) const {
  Action a;
  a.result = {status, std::move(info), {}, 0};
  return a;
}

TcpCheckRun::Action TcpCheckRun::start() {
  started_ = true;
  return advance();
}

TcpCheckRun::Action TcpCheckRun::connected() {
  ++next_;
  return advance();
}

TcpCheckRun::Action TcpCheckRun::advance() {
  if (next_ >= steps_.size()) {
    Action done;
    done.result = {CheckStatus::Layer7Ok, "(tcp-check)", {}, 0};
    return done;
  }
  const auto& step = steps_[next_];
  if (step.kind == Kind::Connect) {
    Action connect;
    connect.kind = Action::Kind::Connect;
    connect.port = step.port;
    connect.ssl = step.ssl;
    return connect;
  }
  if (step.kind == Kind::Send) {
    buffer_.clear();
    Action send;
    send.kind = Action::Kind::Send;
    send.bytes = step.data;
    return send;
  }
  Action receive;
  receive.kind = Action::Kind::Receive;
  return receive;
}

TcpCheckRun::Action TcpCheckRun::sent() {
  ++next_;
  return advance();
}

TcpCheckRun::Action TcpCheckRun::received(std::string_view bytes, bool closed, bool timed_out) {
  const auto& step = steps_[next_];
  buffer_.append(bytes.substr(0, kMaxExpectBuffer - std::min(buffer_.size(), kMaxExpectBuffer)));
  const bool full = buffer_.size() >= kMaxExpectBuffer;
  bool found = false;
  switch (step.match) {
    case Match::String:
    case Match::Binary:
      found = buffer_.find(step.data) != std::string::npos;
      break;
    case Match::Rstring:
      found = step.regex->search(buffer_);
      break;
    case Match::Rbinary:
      found = step.regex->search(to_hex(buffer_));
      break;
  }
  const bool over = closed || timed_out || full;
  if (step.negate && found) {
    return fail(CheckStatus::Layer7InvalidResponse,
                fmt::format("TCPCHK matched unwanted content '{}' at step {}", step.text, step_number()));
  }
  if (found || (step.negate && over)) {
    ++next_;
    buffer_.clear();
    return advance();
  }
  if (!over) {
    Action more;
    more.kind = Action::Kind::Receive;
    return more;
  }
  const auto what = fmt::format("{}{} '{}'", step.negate ? "! " : "",
                                step.match == Match::String    ? "string"
                                : step.match == Match::Rstring ? "rstring"
                                : step.match == Match::Binary  ? "binary"
                                                               : "rbinary",
                                step.text);
  if (timed_out && buffer_.empty()) {
    return fail(CheckStatus::Layer7Timeout, fmt::format(" at step {} of tcp-check (expect {})", step_number(), what));
  }
  return fail(CheckStatus::Layer7InvalidResponse,
              fmt::format("TCPCHK did not match content '{}' at step {}", step.text, step_number()));
}

}  // namespace proxyd::health
