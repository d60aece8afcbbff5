// The `log_facility` and `log_tag` keys both daemons' [global] sections
// have, as key-table rows over a LogSettings member.
#pragma once

#include <string_view>

#include "common/core/config/config_table.h"
#include "common/core/log/log_settings.h"
#include "common/core/log/syslog_facility.h"

namespace common::config {

template <class Model>
Key<Model> log_facility_key(log::LogSettings Model::*settings, std::string_view default_value) {
  return custom<Model>(
      "log_facility",
      [settings](Model& m, std::string_view v) -> Status {
        auto f = log::parse_syslog_facility(v);
        if (!f) return tl::unexpected(f.error());
        (m.*settings).facility = *f;
        return {};
      },
      default_value);
}

template <class Model>
Key<Model> log_tag_key(log::LogSettings Model::*settings, std::string_view default_value) {
  return custom<Model>(
      "log_tag",
      [settings](Model& m, std::string_view v) -> Status {
        auto t = parse_word(v);
        if (!t) return tl::unexpected(t.error());
        (m.*settings).tag = *t;
        return {};
      },
      default_value);
}

}  // namespace common::config
