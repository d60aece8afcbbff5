// A sample expression: a fetch and its converters, as HAProxy writes them
// ("req.hdr(host),lower,field(1,:)"), parsed once at load and evaluated per
// request. Pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/converters.h"
#include "proxyd/core/sample/fetches.h"
#include "proxyd/core/sample/library.h"

namespace proxyd::sample {

struct Call {
  std::string name;
  std::vector<std::string> args;
};

struct Expression {
  const FetchDef* fetch = nullptr;
  std::vector<std::string> fetch_args;
  struct Step {
    const ConverterDef* converter = nullptr;
    std::vector<std::string> args;
    std::shared_ptr<const Regex> regex;      // compiled first argument (regsub)
    std::shared_ptr<const PatternSlot> map;  // map*: the file's entries
    std::shared_ptr<const Sample> fallback;  // map*: the default
  };
  std::vector<Step> converters;
  std::string text;  // as written, for messages
};

// "name(arg,arg),name,name(arg)" into calls; arguments are split on commas
// outside quotes; a backslash escapes the next character.
common::Result<std::vector<Call>> split_calls(std::string_view text);

// Parses <text> (or its calls, split already); an unknown fetch or
// converter is an error with a did-you-mean, as are argument counts. Map
// files register in <lib> (none: maps are an error).
common::Result<Expression> parse_expression(std::string_view text, Library* lib = nullptr);
common::Result<Expression> parse_expression(const std::vector<Call>& calls, std::string_view text,
                                            Library* lib = nullptr);

// The samples of <expr> for <ctx>: the fetch's, each through every
// converter (a converter that fails drops the sample).
std::vector<Sample> evaluate(const Expression& expr, const Context& ctx);
// The first sample, if any: what %[...] and rule arguments use.
std::optional<Sample> evaluate_first(const Expression& expr, const Context& ctx);

}  // namespace proxyd::sample
