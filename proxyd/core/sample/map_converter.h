// The map converters (configuration.txt, 7.3.1 "map"): map(FILE[,DEFAULT])
// and map_<match>[_<output>](FILE[,DEFAULT]), where <match> is str beg sub
// dir dom end reg int ip and <output> str (the default) int or ip. The
// sample is looked up in the map file with that match method; the entry's
// value is the result, else DEFAULT, else no sample. Pure.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "proxyd/core/sample/converters.h"
#include "proxyd/core/sample/pattern.h"

namespace proxyd::sample {

struct MapSpec {
  Match match = Match::Str;
  ValueType output = ValueType::Str;
};

// The spec of a map converter's name ("map", "map_beg", "map_str_int"...).
std::optional<MapSpec> parse_map_converter(std::string_view name);
// The converter that runs a map of that output type.
const ConverterDef* map_converter(ValueType output);
// Every map converter name, for did-you-mean.
std::vector<std::string_view> map_converter_names();

}  // namespace proxyd::sample
