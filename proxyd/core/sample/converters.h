// Sample converters, by HAProxy's names (configuration.txt, 7.3.1): each
// takes one sample and its arguments and returns the converted sample, or
// nothing (the sample is then absent, as in HAProxy). Pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/sample.h"

namespace proxyd::sample {

using ConvertFn = std::optional<Sample> (*)(Sample in, std::span<const std::string> args);

struct ConverterDef {
  std::string_view name;
  ConvertFn fn;
  int min_args;
  int max_args;
  // Checks the arguments once, at load (numbers that must be numbers).
  common::Status (*check)(std::span<const std::string> args);
};

const ConverterDef* find_converter(std::string_view name);
std::vector<std::string_view> converter_names();

}  // namespace proxyd::sample
