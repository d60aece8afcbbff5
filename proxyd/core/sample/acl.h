// ACLs and conditions, as HAProxy writes them (configuration.txt, 7):
//   acl = NAME FETCH[,CONVERTER...] [-i] [-m METHOD] [--] [PATTERN...]
// (the same NAME on several lines ORs them), and the conditions of rules:
//   if|unless TERM [TERM...] [|| TERM...]
// where a TERM is an ACL name, "!" before one negates it, and "{ ... }" is
// an anonymous ACL; juxtaposition is AND, "||" (or "or") is OR. The ACL
// shorthands path_beg, hdr_dom(host), url_end ... are the fetch with that
// match method; HAProxy's predefined ACLs (TRUE, FALSE, LOCALHOST, METH_GET
// ...) exist everywhere. Pure.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/expression.h"
#include "proxyd/core/sample/pattern.h"
#include "proxyd/core/sample/words.h"

namespace proxyd::sample {

// One `acl` line's test.
struct Criterion {
  Expression expression;
  PatternSet patterns;                                    // written on the line
  std::vector<std::shared_ptr<const PatternSlot>> files;  // -f FILE ...
};

struct Acl {
  std::string name;
  std::vector<Criterion> criteria;  // ORed
};

// The ACLs of a section, by name (shared: conditions hold them).
using AclTable = std::map<std::string, std::shared_ptr<Acl>, std::less<>>;

// FETCH [flags] [patterns] (the words after an ACL's name, or inside { }).
// -f files and maps register in <lib> (none: they are an error).
common::Result<Criterion> parse_criterion(std::span<const Word> words, Library* lib = nullptr);
// `NAME CRITERION`: one `acl` line.
struct NamedCriterion {
  std::string name;
  Criterion criterion;
};
common::Result<NamedCriterion> parse_acl_line(std::string_view value, Library* lib = nullptr);
// Adds the criterion to <table> (creating NAME).
void add_acl(AclTable& table, NamedCriterion acl);
common::Status add_acl(AclTable& table, std::string_view value, Library* lib = nullptr);

struct Condition {
  bool unless = false;
  struct Term {
    bool negate = false;
    std::string name;                // a named ACL (resolved by resolve())
    std::shared_ptr<const Acl> acl;  // the named ACL once resolved, or the anonymous one
  };
  std::vector<std::vector<Term>> any_of;  // OR of ANDs
  std::string text;                       // as written, for messages
};

// Parses the words from `if`/`unless` on. Names stay unresolved.
common::Result<Condition> parse_condition(std::span<const Word> words, Library* lib = nullptr);
// Binds each named term to <table> (then the predefined ACLs); an unknown
// name is an error with a did-you-mean.
common::Status resolve(Condition& condition, const AclTable& table);

// Whether any ACL of <condition> reads the HTTP request or response.
bool needs_http(const Condition& condition);

bool evaluate(const Criterion& criterion, const Context& ctx);
bool evaluate(const Acl& acl, const Context& ctx);
bool evaluate(const Condition& condition, const Context& ctx);

// The rest of a rule value: the words before `if`/`unless`, and the
// condition from there (none when absent).
struct Guarded {
  std::vector<Word> words;
  std::optional<Condition> condition;
};
common::Result<Guarded> split_condition(std::string_view value, Library* lib = nullptr);

}  // namespace proxyd::sample
