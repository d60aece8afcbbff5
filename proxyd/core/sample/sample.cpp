#include "proxyd/core/sample/sample.h"

#include <charconv>

namespace proxyd::sample {

Sample Sample::of_bool(bool b) {
  Sample s;
  s.type = Type::Bool;
  s.boolean = b;
  return s;
}

Sample Sample::of_int(std::int64_t i) {
  Sample s;
  s.type = Type::Int;
  s.integer = i;
  return s;
}

Sample Sample::of_str(std::string text) {
  Sample s;
  s.type = Type::Str;
  s.text = std::move(text);
  return s;
}

Sample Sample::of_ip(const common::net::IpAddress& ip) {
  Sample s;
  s.type = Type::Ip;
  s.ip = ip;
  return s;
}

std::string Sample::as_text() const {
  switch (type) {
    case Type::Bool:
      return boolean ? "1" : "0";
    case Type::Int:
      return std::to_string(integer);
    case Type::Ip:
      return ip.to_string();
    case Type::Str:
      break;
  }
  return text;
}

std::optional<std::int64_t> Sample::as_int() const {
  switch (type) {
    case Type::Bool:
      return boolean ? 1 : 0;
    case Type::Int:
      return integer;
    case Type::Ip:
      if (ip.is_v4()) return static_cast<std::int64_t>(ip.v4_host_order());
      return std::nullopt;
    case Type::Str:
      break;
  }
  std::int64_t value = 0;
  const auto* begin = text.data();
  const auto* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin) return std::nullopt;
  return value;  // HAProxy reads the leading digits and ignores the rest
}

std::optional<common::net::IpAddress> Sample::as_ip() const {
  if (type == Type::Ip) return ip;
  if (type == Type::Str) return common::net::IpAddress::parse(text);
  return std::nullopt;
}

bool Sample::as_bool() const {
  switch (type) {
    case Type::Bool:
      return boolean;
    case Type::Int:
      return integer != 0;
    case Type::Ip:
      return true;
    case Type::Str:
      break;
  }
  return !text.empty();
}

}  // namespace proxyd::sample
