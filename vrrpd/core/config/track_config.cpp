#include "vrrpd/core/config/track_config.h"

#include <fmt/format.h>

#include <charconv>

#include "common/core/text.h"

namespace vrrpd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

Result<std::int32_t> parse_weight(std::string_view value) {
  value = common::text::trim(value);
  std::int32_t w = 0;
  const auto [end, ec] =
      std::from_chars(value.data() + (value.starts_with('+') ? 1 : 0), value.data() + value.size(), w);
  if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || w < -253 || w > 253) {
    return fail("expected a weight from -253 to 253");
  }
  return w;
}

// Keys every tracker has, applied to the Tracker; the kind's own keys to its spec.
template <class Spec>
cfg::KeyTable<Tracker> with_common(cfg::KeyTable<Spec> own, std::string_view default_weight = "0") {
  cfg::KeyTable<Tracker> keys = {
      cfg::field("weight", &Tracker::weight, parse_weight, default_weight),
      cfg::field("delay", &Tracker::delay, cfg::parse_duration, "0s"),
  };
  for (auto& k : own) {
    keys.push_back({k.name, k.default_value,
                    [apply = k.apply](Tracker& t, std::string_view value, int line) {
                      return apply(std::get<Spec>(t.spec), value, line);
                    },
                    k.repeatable, k.required});
  }
  return keys;
}

cfg::KeyTable<Tracker> pid_keys() {
  return with_common<TrackPid>({cfg::field("pidfile", &TrackPid::pidfile, cfg::parse_path),
                                cfg::field("process", &TrackPid::process, cfg::parse_word)});
}

cfg::KeyTable<Tracker> http_keys() {
  using H = TrackHttp;
  return with_common<H>({
      cfg::required(cfg::field("url", &H::url,
                               [](std::string_view v) -> Result<std::string> {
                                 v = common::text::trim(v);
                                 if (!v.starts_with("http://") && !v.starts_with("https://")) {
                                   return fail("expected an http:// or https:// URL");
                                 }
                                 return std::string(v);
                               })),
      cfg::field("interval", &H::interval, cfg::parse_duration, "1s"),
      cfg::field("timeout", &H::timeout, cfg::parse_duration, "500ms"),
      cfg::field("rise", &H::rise, cfg::uint_in<std::uint32_t>(1, 100), "2"),
      cfg::field("fall", &H::fall, cfg::uint_in<std::uint32_t>(1, 100), "2"),
  });
}

cfg::KeyTable<Tracker> script_keys() {
  using S = TrackScript;
  return with_common<S>({
      cfg::required(cfg::custom<S>("script",
                                   [](S& s, std::string_view v) -> Status {
                                     auto argv = parse_command(v);
                                     if (!argv) return tl::unexpected(argv.error());
                                     s.command = std::string(common::text::trim(v));
                                     s.argv = std::move(*argv);
                                     return {};
                                   })),
      cfg::field("interval", &S::interval, cfg::parse_duration, "2s"),
      cfg::field("timeout", &S::timeout, cfg::parse_duration, "1s"),
      cfg::field("rise", &S::rise, cfg::uint_in<std::uint32_t>(1, 100), "1"),
      cfg::field("fall", &S::fall, cfg::uint_in<std::uint32_t>(1, 100), "1"),
      cfg::field("user", &S::user, cfg::optional_of(cfg::parse_account_name)),
      cfg::field("init_fail", &S::init_fail, cfg::parse_bool, "false"),
  });
}

// `init_file = [VALUE] [overwrite]`
Status parse_init_file(TrackFile& f, std::string_view value) {
  const auto words = common::text::split_words(value);
  f.init_value = 0;
  for (const auto& w : words) {
    std::int64_t v = 0;
    if (w == "overwrite") {
      f.overwrite = true;
    } else if (const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
               ec == std::errc{} && end == w.data() + w.size()) {
      f.init_value = v;
    } else {
      return fail("expected [VALUE] [overwrite], got '{}'", w);
    }
  }
  return {};
}

// keepalived's default weight of a track_file is 1 (the value counts as read).
cfg::KeyTable<Tracker> file_keys() {
  return with_common<TrackFile>({cfg::required(cfg::field("file", &TrackFile::file, cfg::parse_path)),
                                 cfg::custom<TrackFile>("init_file", parse_init_file)},
                                "1");
}

cfg::KeyTable<Tracker> interface_keys() {
  return with_common<TrackInterface>(
      {cfg::required(cfg::field("interface", &TrackInterface::interface, cfg::parse_word))});
}

}  // namespace

std::string_view Tracker::kind() const {
  return kTrackerKinds[spec.index()];
}

Result<std::vector<std::string>> parse_command(std::string_view value) {
  auto argv = common::text::split_shell_words(value);
  if (!argv) return fail("expected a command line: {}", argv.error().message);
  if (argv->empty()) return fail("expected a command line");
  return argv;
}

Tracker load_tracker(const cfg::IniDocument& doc, const cfg::IniSection& section, cfg::Diagnostics& diagnostics) {
  Tracker t;
  t.name = section.name;
  t.line = section.line;
  if (section.kind == "track_pid") {
    t.spec = TrackPid{};
    cfg::load_section(doc, section, pid_keys(), t, diagnostics);
    const auto& p = std::get<TrackPid>(t.spec);
    if (p.pidfile.empty() == p.process.empty()) {
      diagnostics.error(doc.at(section.line),
                        fmt::format("{} needs exactly one of 'pidfile' and 'process'", section.title()));
    }
  } else if (section.kind == "track_http") {
    t.spec = TrackHttp{};
    cfg::load_section(doc, section, http_keys(), t, diagnostics);
  } else if (section.kind == "track_script") {
    t.spec = TrackScript{};
    cfg::load_section(doc, section, script_keys(), t, diagnostics);
  } else if (section.kind == "track_file") {
    t.spec = TrackFile{};
    cfg::load_section(doc, section, file_keys(), t, diagnostics);
  } else {
    t.spec = TrackInterface{};
    cfg::load_section(doc, section, interface_keys(), t, diagnostics);
  }
  return t;
}

}  // namespace vrrpd::config
