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
#include "proxyd/core/sample/fetches.h"
#include "proxyd/core/sample/regex.h"
#include "proxyd/core/sample/sample.h"

namespace proxyd::sample {

class PatternSlot;

// A converter's arguments as written, and what was compiled from them at load.
struct ConverterArgs {
  std::span<const std::string> words;
  const Regex* regex = nullptr;      // regsub: its first argument
  const PatternSlot* map = nullptr;  // map*: the file
  const Sample* fallback = nullptr;  // map*: the default
  const Context* ctx = nullptr;      // concat: the variables
  const std::string& operator[](std::size_t i) const { return words[i]; }
  std::size_t size() const { return words.size(); }
};

using ConvertFn = std::optional<Sample> (*)(Sample in, const ConverterArgs& args);

struct ConverterDef {
  std::string_view name;
  ConvertFn fn;
  int min_args;
  int max_args;
  // Checks the arguments once, at load (numbers that must be numbers).
  common::Status (*check)(std::span<const std::string> args);
  bool regex = false;         // the first argument is a regular expression, compiled at load
  Match output = Match::Str;  // how an ACL matches its result when no -m is given
};

const ConverterDef* find_converter(std::string_view name);
std::vector<std::string_view> converter_names();

}  // namespace proxyd::sample
