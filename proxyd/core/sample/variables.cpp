#include "proxyd/core/sample/variables.h"

#include <cctype>

namespace proxyd::sample {

common::Result<VarName> parse_var_name(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return common::fail("variable '{}': expected SCOPE.NAME (txn.name ...)", text);
  const auto scope = text.substr(0, dot);
  VarName var;
  if (scope == "proc") {
    var.scope = VarScope::Proc;
  } else if (scope == "sess") {
    var.scope = VarScope::Sess;
  } else if (scope == "txn") {
    var.scope = VarScope::Txn;
  } else if (scope == "req") {
    var.scope = VarScope::Req;
  } else if (scope == "res") {
    var.scope = VarScope::Res;
  } else {
    return common::fail("variable '{}': unknown scope '{}' (proc sess txn req res)", text, scope);
  }
  var.name = std::string(text.substr(dot + 1));
  if (var.name.empty()) return common::fail("variable '{}': no name after the scope", text);
  for (const char c : var.name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.')
      return common::fail("variable '{}': only letters, digits, '_' and '.' in a name", text);
  }
  return var;
}

std::optional<Sample> ProcVariables::get(std::string_view name) const {
  const std::lock_guard lock(mutex_);
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

void ProcVariables::set(const std::string& name, Sample value) {
  const std::lock_guard lock(mutex_);
  values_[name] = std::move(value);
}

void ProcVariables::unset(std::string_view name) {
  const std::lock_guard lock(mutex_);
  if (const auto it = values_.find(name); it != values_.end()) values_.erase(it);
}

Variables::Map* Variables::scope_map(VarScope scope) {
  switch (scope) {
    case VarScope::Sess:
      return &sess_;
    case VarScope::Txn:
      return &txn_;
    case VarScope::Req:
      return &req_;
    case VarScope::Res:
      return &res_;
    default:
      return nullptr;
  }
}

const Variables::Map* Variables::scope_map(VarScope scope) const {
  return const_cast<Variables*>(this)->scope_map(scope);
}

std::optional<Sample> Variables::get(const VarName& var) const {
  if (var.scope == VarScope::Proc) return proc_ != nullptr ? proc_->get(var.name) : std::nullopt;
  const auto* map = scope_map(var.scope);
  const auto it = map->find(var.name);
  if (it == map->end()) return std::nullopt;
  return it->second;
}

void Variables::set(const VarName& var, Sample value) {
  if (var.scope == VarScope::Proc) {
    if (proc_ != nullptr) proc_->set(var.name, std::move(value));
    return;
  }
  (*scope_map(var.scope))[var.name] = std::move(value);
}

void Variables::unset(const VarName& var) {
  if (var.scope == VarScope::Proc) {
    if (proc_ != nullptr) proc_->unset(var.name);
    return;
  }
  auto* map = scope_map(var.scope);
  if (const auto it = map->find(var.name); it != map->end()) map->erase(it);
}

void Variables::clear(VarScope scope) {
  if (auto* map = scope_map(scope)) map->clear();
}

}  // namespace proxyd::sample
