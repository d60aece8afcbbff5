// Configuration diagnostics: every problem found while loading a file, each
// tied to file:line, so one run of `-c` reports them all.
#pragma once

#include <string>
#include <vector>

namespace common::config {

struct Location {
  std::string file;
  int line = 0;  // 0: the file as a whole
};

// Notice: information that changes nothing (a haproxy.cfg directive proxyd
// accepts as a no-op, and why).
enum class Severity { Error, Warning, Notice };

struct Diagnostic {
  Severity severity = Severity::Error;
  Location where;
  std::string message;

  // "etc/proxyd.ini:12: error: key 'maxconn': expected ..."
  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(Location where, std::string message);
  void warning(Location where, std::string message);
  void notice(Location where, std::string message);

  bool has_errors() const { return errors_ != 0; }
  std::size_t error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // Every diagnostic, one per line (what `-c` prints).
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t errors_ = 0;
};

}  // namespace common::config
