#include "proxyd/core/sample/map_converter.h"

#include <array>

#include "proxyd/core/sample/pattern_file.h"

namespace proxyd::sample {

namespace {

std::optional<ValueType> output_type(std::string_view name) {
  if (name == "str") return ValueType::Str;
  if (name == "int") return ValueType::Int;
  if (name == "ip") return ValueType::Ip;
  return std::nullopt;
}

std::optional<Sample> lookup_map(Sample in, const ConverterArgs& args) {
  const auto set = args.map != nullptr ? args.map->get() : nullptr;
  if (set) {
    if (const auto entry = lookup(*set, in); entry && *entry < set->values.size()) return set->values[*entry];
  }
  if (args.fallback != nullptr) return *args.fallback;
  return std::nullopt;
}

common::Status no_check(std::span<const std::string>) {
  return {};
}

constexpr ConverterDef kMapStr{"map", lookup_map, 1, 2, no_check, false, Match::Str};
constexpr ConverterDef kMapInt{"map", lookup_map, 1, 2, no_check, false, Match::Int};
constexpr ConverterDef kMapIp{"map", lookup_map, 1, 2, no_check, false, Match::Ip};

}  // namespace

std::optional<MapSpec> parse_map_converter(std::string_view name) {
  if (name == "map") return MapSpec{};
  if (!name.starts_with("map_")) return std::nullopt;
  name.remove_prefix(4);
  const auto underscore = name.find('_');
  // The match methods a map key can use: parse_match's, but found, bool and len.
  const auto match = parse_match(name.substr(0, underscore));
  if (!match || *match == Match::Found || *match == Match::Bool || *match == Match::Len) return std::nullopt;
  if (underscore == std::string_view::npos) return MapSpec{*match, ValueType::Str};
  const auto output = output_type(name.substr(underscore + 1));
  if (!output) return std::nullopt;
  return MapSpec{*match, *output};
}

const ConverterDef* map_converter(ValueType output) {
  switch (output) {
    case ValueType::Int:
      return &kMapInt;
    case ValueType::Ip:
      return &kMapIp;
    default:
      return &kMapStr;
  }
}

std::vector<std::string_view> map_converter_names() {
  static constexpr std::array<std::string_view, 28> kNames{
      "map",         "map_str",     "map_beg",     "map_sub",     "map_dir",     "map_dom",     "map_end",
      "map_reg",     "map_int",     "map_ip",      "map_str_int", "map_str_ip",  "map_beg_int", "map_beg_ip",
      "map_sub_int", "map_sub_ip",  "map_dir_int", "map_dir_ip",  "map_dom_int", "map_dom_ip",  "map_end_int",
      "map_end_ip",  "map_reg_int", "map_reg_ip",  "map_int_int", "map_int_ip",  "map_ip_int",  "map_ip_ip"};
  return {kNames.begin(), kNames.end()};
}

}  // namespace proxyd::sample
