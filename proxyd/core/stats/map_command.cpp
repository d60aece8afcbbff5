#include "proxyd/core/stats/map_command.h"

#include <fmt/format.h>

#include "common/core/text.h"

namespace proxyd::stats {
namespace {

using common::fail;
using Verb = MapCommand::Verb;

std::optional<Verb> verb_of(std::string_view word) {
  if (word == "show") return Verb::Show;
  if (word == "get") return Verb::Get;
  if (word == "add") return Verb::Add;
  if (word == "set") return Verb::Set;
  if (word == "del") return Verb::Del;
  if (word == "clear") return Verb::Clear;
  if (word == "commit") return Verb::Commit;
  return std::nullopt;
}

// The words each verb needs after `VERB map|acl` (FILE included), and
// whether the last one takes the rest of the line.
struct Shape {
  std::size_t min;
  std::size_t max;
  bool rest;
};
Shape shape_of(Verb verb, bool map) {
  switch (verb) {
    case Verb::Show:
      return {0, 1, false};
    case Verb::Get:
      return {2, 2, true};
    case Verb::Add:
      return map ? Shape{3, 3, true} : Shape{2, 2, true};
    case Verb::Set:
      return {3, 3, true};
    case Verb::Del:
      return {2, 2, true};
    default:
      return {1, 1, false};
  }
}

std::string_view usage(Verb verb, bool map) {
  switch (verb) {
    case Verb::Show:
      return map ? "show map [FILE]" : "show acl [FILE]";
    case Verb::Get:
      return map ? "get map FILE SAMPLE" : "get acl FILE SAMPLE";
    case Verb::Add:
      return map ? "add map FILE KEY VALUE" : "add acl FILE PATTERN";
    case Verb::Set:
      return "set map FILE KEY|#ID VALUE";
    case Verb::Del:
      return map ? "del map FILE KEY|#ID" : "del acl FILE PATTERN|#ID";
    case Verb::Clear:
      return map ? "clear map FILE" : "clear acl FILE";
    case Verb::Commit:
      return map ? "commit map FILE" : "commit acl FILE";
  }
  return {};
}

std::string_view method_name(sample::Match m) {
  using sample::Match;
  switch (m) {
    case Match::Beg:
      return "beg";
    case Match::End:
      return "end";
    case Match::Sub:
      return "sub";
    case Match::Dir:
      return "dir";
    case Match::Dom:
      return "dom";
    case Match::Reg:
      return "reg";
    case Match::Int:
      return "int";
    case Match::Ip:
      return "ip";
    case Match::Len:
      return "len";
    default:
      return "str";
  }
}

std::string list_files(const sample::PatternFiles& files, bool map) {
  std::string out = "# id (file) description\n";
  for (const auto& ref : files.all()) {
    if ((ref->kind() == sample::PatternRef::Kind::Map) != map) continue;
    out += fmt::format("{} ({}) pattern loaded from file '{}' used by {} rule(s). entry_cnt={}\n", ref->id(),
                       ref->path(), ref->path(), ref->slot_count(), ref->entries().size());
  }
  return out;
}

std::string list_entries(const sample::PatternRef& ref) {
  std::string out;
  for (const auto& e : ref.entries()) {
    out += ref.kind() == sample::PatternRef::Kind::Map ? fmt::format("{:#x} {} {}\n", e.id, e.key, e.value)
                                                       : fmt::format("{:#x} {}\n", e.id, e.key);
  }
  return out;
}

std::string lookup_report(const sample::PatternRef& ref, std::string_view text) {
  std::string out;
  for (const auto& slot : ref.slots()) {
    const auto set = slot->get();
    const auto entry = set ? sample::lookup(*set, sample::Sample::of_str(std::string(text))) : std::nullopt;
    out += fmt::format("type={}, case={}, found={}", method_name(slot->method),
                       slot->ignore_case ? "insensitive" : "sensitive", entry ? "yes" : "no");
    if (entry) {
      const auto& e = ref.entries()[*entry];
      out += fmt::format(", key=\"{}\"", e.key);
      if (ref.kind() == sample::PatternRef::Kind::Map) out += fmt::format(", value=\"{}\"", e.value);
    }
    out += '\n';
  }
  return out;
}

common::Result<MapOutcome> edit(const MapCommand& c, sample::PatternRef& ref) {
  MapOutcome out;
  out.changed = true;
  common::Status ok;
  switch (c.verb) {
    case Verb::Add:
      ok = ref.add(c.key, c.value);
      break;
    case Verb::Set:
      ok = ref.set(c.key, c.value);
      break;
    case Verb::Del:
      ok = ref.del(c.key);
      break;
    case Verb::Clear:
      ref.clear();
      break;
    default:
      out.changed = false;
      out.write = std::pair{ref.path(), ref.serialize()};
      break;
  }
  if (!ok) return tl::unexpected(ok.error());
  return out;
}

}  // namespace

std::optional<common::Result<MapCommand>> parse_map_command(std::string_view line) {
  const auto words = common::text::split_words(line);
  if (words.size() < 2 || (words[1] != "map" && words[1] != "acl")) return std::nullopt;
  const auto verb = verb_of(words[0]);
  if (!verb) return std::nullopt;
  MapCommand c;
  c.verb = *verb;
  c.map = words[1] == "map";
  if (c.verb == Verb::Set && !c.map) return fail("set acl does not exist: del acl, then add acl");
  const auto shape = shape_of(c.verb, c.map);
  const auto args = words.size() - 2;
  if (args < shape.min || (args > shape.max && !shape.rest)) return fail("usage: {}", usage(c.verb, c.map));
  if (args >= 1) c.file = std::string(words[2]);
  // The last argument runs to the end of the line (values with spaces).
  auto rest_from = [&](std::size_t i) {
    return std::string(common::text::trim(line.substr(static_cast<std::size_t>(words[i].data() - line.data()))));
  };
  if (shape.min >= 2) c.key = shape.min == 2 ? rest_from(3) : std::string(words[3]);
  if (shape.min == 3) c.value = rest_from(4);
  return c;
}

bool reads_only(const MapCommand& command) {
  return command.verb == Verb::Show || command.verb == Verb::Get;
}

common::Result<MapOutcome> run_map_command(const MapCommand& c, sample::PatternFiles& files) {
  if (c.verb == Verb::Show && c.file.empty()) return MapOutcome{list_files(files, c.map), {}, false};
  auto* ref = files.find(c.file);
  const auto kind = c.map ? sample::PatternRef::Kind::Map : sample::PatternRef::Kind::Acl;
  if (ref == nullptr || ref->kind() != kind)
    return fail("unknown {} '{}' ('show {}' lists them)", c.map ? "map" : "acl", c.file, c.map ? "map" : "acl");
  if (c.verb == Verb::Show) return MapOutcome{list_entries(*ref), {}, false};
  if (c.verb == Verb::Get) return MapOutcome{lookup_report(*ref, c.key), {}, false};
  return edit(c, *ref);
}

std::string_view map_help() {
  return "  show map|acl [FILE]                       the map or ACL files, or one file's entries\n"
         "  get map|acl FILE SAMPLE                   what the rules using FILE find for SAMPLE\n"
         "  add map FILE KEY VALUE | add acl FILE PAT add an entry (live, until reload or commit)\n"
         "  set map FILE KEY|#ID VALUE                change the value of KEY's entries (or one)\n"
         "  del map|acl FILE KEY|#ID                  remove KEY's entries (or one)\n"
         "  clear map|acl FILE                        remove every entry\n"
         "  commit map|acl FILE                       write the entries back to FILE (kept on reload)\n";
}

}  // namespace proxyd::stats
