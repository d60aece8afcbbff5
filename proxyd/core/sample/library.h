// What a configuration's rules refer to beyond themselves, shared by the
// rules of every section and by the runtime API: the map and pattern files,
// the userlists, and the process-wide variables (proc.*).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "proxyd/core/http/userlist.h"
#include "proxyd/core/sample/pattern_file.h"
#include "proxyd/core/sample/variables.h"

namespace proxyd::sample {

struct Library {
  PatternFiles files;
  std::map<std::string, http::Userlist, std::less<>> userlists;
  ProcVariables proc_variables;
  // The bodies of `return|deny ... file PATH`, by path: filled by the
  // adapter when it loads the configuration's files.
  std::map<std::string, std::shared_ptr<std::string>, std::less<>> body_files;

  std::shared_ptr<const std::string> body_file(const std::string& path) {
    auto& file = body_files[path];
    if (!file) file = std::make_shared<std::string>();
    return file;
  }

  const http::Userlist* userlist(std::string_view name) const {
    const auto it = userlists.find(name);
    return it == userlists.end() ? nullptr : &it->second;
  }
};

}  // namespace proxyd::sample
