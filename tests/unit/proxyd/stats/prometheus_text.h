// A small, strict reader of Prometheus' text exposition format (0.0.4) for
// tests: it checks the syntax and the conventions proxyd promises (HELP and
// TYPE once per family, before its samples; families not interleaved;
// counters named *_total; no duplicate series; histogram buckets cumulative
// with +Inf equal to _count) and keeps every sample for lookups.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace prometheus_text {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::vector<Sample> samples;
  std::vector<std::string> errors;

  // The value of series <name>{<labels>}, nullopt if absent.
  std::optional<double> value(const std::string& name, const Labels& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
};

namespace detail {

inline bool parse_value(const std::string& text, double& out) {
  if (text == "+Inf" || text == "-Inf" || text == "NaN") {
    out = text == "NaN" ? NAN : (text[0] == '+' ? INFINITY : -INFINITY);
    return true;
  }
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// Parses '{a="x",b="y"}' from <line> at <pos>; advances <pos>.
inline bool parse_labels(const std::string& line, std::size_t& pos, Labels& labels) {
  static const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
  ++pos;  // '{'
  while (pos < line.size() && line[pos] != '}') {
    const auto eq = line.find('=', pos);
    if (eq == std::string::npos) return false;
    const auto name = line.substr(pos, eq - pos);
    if (!std::regex_match(name, kLabelName) || eq + 1 >= line.size() || line[eq + 1] != '"') return false;
    std::string value;
    pos = eq + 2;
    for (; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\') {
        if (++pos >= line.size()) return false;
        const char c = line[pos];
        if (c == 'n') {
          value.push_back('\n');
        } else if (c == '\\' || c == '"') {
          value.push_back(c);
        } else {
          return false;
        }
      } else {
        value.push_back(line[pos]);
      }
    }
    if (pos >= line.size() || !labels.emplace(name, value).second) return false;
    ++pos;  // closing quote
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return false;
  ++pos;  // '}'
  return true;
}

// The family a sample belongs to (histograms: without _bucket/_sum/_count).
inline std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      const auto base = name.substr(0, name.size() - suffix.size());
      if (auto it = types.find(base); it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

inline void check_histograms(Exposition& e) {
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    std::map<Labels, std::vector<std::pair<double, double>>> buckets;  // series -> (le, count)
    for (const auto& s : e.samples) {
      if (s.name != family + "_bucket") continue;
      auto labels = s.labels;
      double le = 0;
      if (!labels.contains("le") || !parse_value(labels["le"], le)) e.errors.push_back("bucket without le");
      labels.erase("le");
      buckets[labels].emplace_back(le, s.value);
    }
    for (auto& [labels, list] : buckets) {
      for (std::size_t i = 1; i < list.size(); ++i) {
        if (list[i].first <= list[i - 1].first || list[i].second < list[i - 1].second) {
          e.errors.push_back(family + ": buckets not ordered or not cumulative");
        }
      }
      const auto count = e.value(family + "_count", labels);
      if (list.empty() || !std::isinf(list.back().first) || !count || *count != list.back().second) {
        e.errors.push_back(family + ": +Inf bucket missing or different from _count");
      }
      if (!e.value(family + "_sum", labels)) e.errors.push_back(family + ": _sum missing");
    }
  }
}

}  // namespace detail

inline Exposition parse(const std::string& text) {
  static const std::regex kMetricName("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const std::set<std::string> kTypes{"counter", "gauge", "histogram", "summary", "untyped"};
  Exposition e;
  std::set<std::string> helped, finished, series;
  std::string current;
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    if (end == std::string::npos) {
      e.errors.push_back("last line has no newline");
      break;
    }
    const auto line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const auto where = "line " + std::to_string(number) + ": ";
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const auto rest = line.substr(7);
      const auto space = rest.find(' ');
      const auto name = rest.substr(0, space);
      const auto arg = space == std::string::npos ? std::string() : rest.substr(space + 1);
      if (!std::regex_match(name, kMetricName)) e.errors.push_back(where + "bad family name");
      if (name != current) {
        if (finished.contains(name)) e.errors.push_back(where + name + " interleaved with another family");
        if (!current.empty()) finished.insert(current);
        current = name;
      }
      if (line[2] == 'H') {
        if (!helped.insert(name).second || arg.empty()) e.errors.push_back(where + "HELP twice or empty");
      } else {
        if (!kTypes.contains(arg) || !e.types.emplace(name, arg).second) e.errors.push_back(where + "bad TYPE");
        if (arg == "counter" && !name.ends_with("_total")) e.errors.push_back(where + name + " lacks _total");
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    std::size_t pos = line.find_first_of("{ ");
    if (pos == std::string::npos) {
      e.errors.push_back(where + "no value");
      continue;
    }
    sample.name = line.substr(0, pos);
    if (!std::regex_match(sample.name, kMetricName)) e.errors.push_back(where + "bad metric name");
    if (line[pos] == '{' && !detail::parse_labels(line, pos, sample.labels)) {
      e.errors.push_back(where + "bad labels");
      continue;
    }
    if (pos >= line.size() || line[pos] != ' ' || !detail::parse_value(line.substr(pos + 1), sample.value)) {
      e.errors.push_back(where + "bad value");
      continue;
    }
    const auto family = detail::family_of(sample.name, e.types);
    if (family != current || !e.types.contains(family)) e.errors.push_back(where + "sample outside its family");
    std::string key = sample.name;
    for (const auto& [k, v] : sample.labels) key += "|" + k + "=" + v;
    if (!series.insert(key).second) e.errors.push_back(where + "duplicate series");
    e.samples.push_back(std::move(sample));
  }
  detail::check_histograms(e);
  return e;
}

}  // namespace prometheus_text
