// Pattern files and maps (HAProxy's "pattern references"): the file of an
// ACL's `-f FILE` (a pattern per line) or of a map converter (`KEY VALUE`
// per line), loaded at start and on reload, shared by every rule that names
// it, and edited live by the runtime API (add/set/del/clear map and acl).
// Each rule's use of a file is a slot with its own match method, -i and
// value type; an edit rebuilds every slot of the file and publishes the new
// sets atomically, all or nothing, so a bad pattern changes nothing.
// Edits and listings come from one thread (the runtime API's); lookups from
// any worker through PatternSlot::get(). Pure: the adapter reads and writes
// the files.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/pattern.h"

namespace proxyd::sample {

class PatternSlot {
 public:
  PatternSlot(Match m, bool icase, ValueType v) : method(m), ignore_case(icase), values(v) {}
  // The current set; null until the file is loaded.
  std::shared_ptr<const PatternSet> get() const { return set_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const PatternSet> set) { set_.store(std::move(set), std::memory_order_release); }

  const Match method;
  const bool ignore_case;
  const ValueType values;

 private:
  std::atomic<std::shared_ptr<const PatternSet>> set_;
};

class PatternRef {
 public:
  enum class Kind { Acl, Map };
  PatternRef(std::string path, Kind kind, int id) : path_(std::move(path)), kind_(kind), id_(id) {}

  const std::string& path() const { return path_; }
  Kind kind() const { return kind_; }
  int id() const { return id_; }
  const std::vector<PatternEntry>& entries() const { return entries_; }
  std::size_t slot_count() const { return slots_.size(); }
  const std::vector<std::shared_ptr<PatternSlot>>& slots() const { return slots_; }

  // A rule's use of this file (built at once when the file is loaded
  // already: an error when the entries do not suit it).
  common::Result<std::shared_ptr<PatternSlot>> use(Match method, bool ignore_case, ValueType values);

  // The file's text: every entry, errors as path:line.
  common::Status load(std::string_view text);
  // Runtime API edits. A KEY of the form #ID names one entry; otherwise every
  // entry with that key.
  common::Status add(std::string key, std::string value);
  common::Status set(std::string_view key, std::string value);
  common::Status del(std::string_view key);
  void clear();
  // The entries as a file (what `commit map` writes).
  std::string serialize() const;

 private:
  common::Status replace(std::vector<PatternEntry> entries);
  std::vector<std::size_t> select(std::string_view key) const;

  std::string path_;
  Kind kind_;
  int id_;
  std::vector<PatternEntry> entries_;
  std::uint64_t next_id_ = 1;
  bool loaded_ = false;
  std::vector<std::shared_ptr<PatternSlot>> slots_;
};

// The files a configuration names, by path.
class PatternFiles {
 public:
  // The file at <path>, created on first use; a file used both as a map and
  // as a pattern list is an error.
  common::Result<std::shared_ptr<PatternRef>> ref(std::string_view path, PatternRef::Kind kind);
  // By path or "#ID".
  PatternRef* find(std::string_view name) const;
  const std::vector<std::shared_ptr<PatternRef>>& all() const { return refs_; }

 private:
  std::vector<std::shared_ptr<PatternRef>> refs_;
};

// A file's text as entries, read as HAProxy reads them: a line starting with
// '#' (in the first column) and a blank line are skipped; leading blanks go,
// the line ends at CR or LF (trailing blanks stay); for a map the key is the
// first word and the value the rest of the line after the blanks.
std::vector<PatternEntry> parse_pattern_text(std::string_view text, PatternRef::Kind kind);

}  // namespace proxyd::sample
