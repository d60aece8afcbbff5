// The runtime API's commands on maps and pattern files (HAProxy's
// management.txt spelling), and their effect on the configuration's files:
//   show map|acl [FILE]              the files, or one file's entries (#ID KEY [VALUE])
//   get map|acl FILE SAMPLE          what each rule using FILE finds for SAMPLE
//   add map FILE KEY VALUE           add acl FILE PATTERN
//   set map FILE KEY|#ID VALUE
//   del map|acl FILE KEY|#ID
//   clear map|acl FILE
//   commit map|acl FILE              (ours) write the entries back to FILE
// FILE is a path or "#N" (the number `show map` prints). A map VALUE is the
// rest of the line. An edit that a rule cannot accept (a bad address in an
// ip map ...) changes nothing. Pure: `commit` returns the file to write.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/pattern_file.h"

namespace proxyd::stats {

struct MapCommand {
  enum class Verb { Show, Get, Add, Set, Del, Clear, Commit };
  Verb verb = Verb::Show;
  bool map = true;   // map, or acl
  std::string file;  // empty: show every file
  std::string key;   // key, pattern, #ID or sample
  std::string value;
};

// The words after `show|get|add|set|del|clear|commit`, when the second word
// is map or acl; nullopt when the line is not a map command.
std::optional<common::Result<MapCommand>> parse_map_command(std::string_view line);

struct MapOutcome {
  std::string answer;  // the text to send back (empty on a silent success)
  // commit: the file to write and its contents.
  std::optional<std::pair<std::string, std::string>> write;
  bool changed = false;  // an edit was made (to be logged)
};

// Whether <command> only reads (show, get): a user-level socket may run it.
bool reads_only(const MapCommand& command);

// Runs <command> on <files>; an error is the one-line message to send back.
common::Result<MapOutcome> run_map_command(const MapCommand& command, sample::PatternFiles& files);

// The help lines of the map commands.
std::string_view map_help();

}  // namespace proxyd::stats
