#include "proxyd/core/sample/pattern_file.h"

#include <fmt/format.h>

#include <charconv>

#include "common/core/text.h"

namespace proxyd::sample {

namespace {

bool blank(char c) {
  return c == ' ' || c == '\t';
}

// As HAProxy: the line ends at the first CR (trailing blanks are kept).
std::string_view line_body(std::string_view s) {
  return s.substr(0, s.find('\r'));
}

std::optional<std::uint64_t> entry_ref(std::string_view key) {
  if (!key.starts_with('#')) return std::nullopt;
  key.remove_prefix(1);
  int base = 10;
  if (key.starts_with("0x")) {
    key.remove_prefix(2);
    base = 16;
  }
  std::uint64_t id = 0;
  const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), id, base);
  if (ec != std::errc() || ptr != key.data() + key.size()) return std::nullopt;
  return id;
}

}  // namespace

std::vector<PatternEntry> parse_pattern_text(std::string_view text, PatternRef::Kind kind) {
  std::vector<PatternEntry> entries;
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = line_body(line);
    if (line.starts_with('#')) continue;  // only in the first column, as HAProxy
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    PatternEntry e;
    e.line = line_no;
    if (kind == PatternRef::Kind::Acl) {
      e.key = std::string(line);
    } else {
      auto end = std::size_t{0};
      while (end < line.size() && !blank(line[end])) ++end;
      e.key = std::string(line.substr(0, end));
      auto value = line.substr(end);
      while (!value.empty() && blank(value.front())) value.remove_prefix(1);
      e.value = std::string(value);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

common::Result<std::shared_ptr<PatternSlot>> PatternRef::use(Match method, bool ignore_case, ValueType values) {
  auto slot = std::make_shared<PatternSlot>(method, ignore_case, values);
  if (loaded_) {
    auto set = build_patterns(method, ignore_case, entries_, values, path_);
    if (!set) return tl::unexpected(set.error());
    slot->publish(std::make_shared<const PatternSet>(std::move(*set)));
  }
  slots_.push_back(slot);
  return slot;
}

common::Status PatternRef::replace(std::vector<PatternEntry> entries) {
  std::vector<std::shared_ptr<const PatternSet>> sets;
  sets.reserve(slots_.size());
  for (const auto& slot : slots_) {
    auto set = build_patterns(slot->method, slot->ignore_case, entries, slot->values, path_);
    if (!set) return tl::unexpected(set.error());
    sets.push_back(std::make_shared<const PatternSet>(std::move(*set)));
  }
  for (std::size_t i = 0; i < slots_.size(); ++i) slots_[i]->publish(std::move(sets[i]));
  entries_ = std::move(entries);
  loaded_ = true;
  return {};
}

common::Status PatternRef::load(std::string_view text) {
  auto entries = parse_pattern_text(text, kind_);
  for (auto& e : entries) e.id = next_id_++;
  return replace(std::move(entries));
}

std::vector<std::size_t> PatternRef::select(std::string_view key) const {
  std::vector<std::size_t> found;
  const auto id = entry_ref(key);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (id ? entries_[i].id == *id : entries_[i].key == key) found.push_back(i);
  }
  return found;
}

common::Status PatternRef::add(std::string key, std::string value) {
  if (key.empty()) return common::fail("an empty key");
  auto entries = entries_;
  entries.push_back({std::move(key), std::move(value), next_id_, 0});
  if (auto ok = replace(std::move(entries)); !ok) return ok;
  ++next_id_;
  return {};
}

common::Status PatternRef::set(std::string_view key, std::string value) {
  const auto found = select(key);
  if (found.empty()) return common::fail("entry not found");
  auto entries = entries_;
  for (const auto i : found) entries[i].value = value;
  return replace(std::move(entries));
}

common::Status PatternRef::del(std::string_view key) {
  const auto found = select(key);
  if (found.empty()) return common::fail("entry not found");
  std::vector<PatternEntry> entries;
  std::size_t next = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (next < found.size() && found[next] == i) {
      ++next;
      continue;
    }
    entries.push_back(entries_[i]);
  }
  return replace(std::move(entries));
}

void PatternRef::clear() {
  (void)replace({});
}

std::string PatternRef::serialize() const {
  std::string out;
  for (const auto& e : entries_) {
    if (e.key.starts_with('#')) out += ' ';  // a key, not a comment, when read back
    out += e.key;
    if (kind_ == Kind::Map) {
      out += ' ';
      out += e.value;
    }
    out += '\n';
  }
  return out;
}

common::Result<std::shared_ptr<PatternRef>> PatternFiles::ref(std::string_view path, PatternRef::Kind kind) {
  if (path.empty()) return common::fail("an empty file name");
  for (const auto& r : refs_) {
    if (r->path() != path) continue;
    if (r->kind() != kind)
      return common::fail("'{}' is used both as a map and as a pattern file (-f): use two files", path);
    return r;
  }
  refs_.push_back(std::make_shared<PatternRef>(std::string(path), kind, static_cast<int>(refs_.size())));
  return refs_.back();
}

PatternRef* PatternFiles::find(std::string_view name) const {
  if (name.starts_with('#')) {
    int id = -1;
    const auto [ptr, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), id);
    if (ec != std::errc() || ptr != name.data() + name.size()) return nullptr;
    return id >= 0 && static_cast<std::size_t>(id) < refs_.size() ? refs_[static_cast<std::size_t>(id)].get() : nullptr;
  }
  for (const auto& r : refs_) {
    if (r->path() == name) return r.get();
  }
  return nullptr;
}

}  // namespace proxyd::sample
