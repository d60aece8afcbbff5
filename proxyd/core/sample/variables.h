// HAProxy's variables (configuration.txt, 2.8): `set-var(SCOPE.NAME)`,
// `unset-var(...)` and the fetch `var(SCOPE.NAME[,DEFAULT])`, where SCOPE is
// proc (the whole process, every connection), sess (one client
// connection), txn (one request and its response), req (while the request
// is processed) or res (while the response is). Pure: the HTTP session
// owns a Variables per connection and clears the scopes as they end; the
// proc scope is shared (and locked) through the configuration's Library.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"
#include "proxyd/core/sample/sample.h"

namespace proxyd::sample {

enum class VarScope { Proc, Sess, Txn, Req, Res };

struct VarName {
  VarScope scope = VarScope::Txn;
  std::string name;
};

// "txn.user" -> {Txn, "user"}; a name is letters, digits, '_' and '.'.
common::Result<VarName> parse_var_name(std::string_view text);

// The process-wide scope, shared by every worker.
class ProcVariables {
 public:
  std::optional<Sample> get(std::string_view name) const;
  void set(const std::string& name, Sample value);
  void unset(std::string_view name);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Sample, std::less<>> values_;
};

class Variables {
 public:
  explicit Variables(ProcVariables* proc = nullptr) : proc_(proc) {}
  std::optional<Sample> get(const VarName& var) const;
  void set(const VarName& var, Sample value);
  void unset(const VarName& var);
  // A scope ends: sess with the connection, txn with the transaction, req
  // and res with their processing.
  void clear(VarScope scope);

 private:
  using Map = std::map<std::string, Sample, std::less<>>;
  Map* scope_map(VarScope scope);
  const Map* scope_map(VarScope scope) const;

  ProcVariables* proc_;
  Map sess_, txn_, req_, res_;
};

}  // namespace proxyd::sample
