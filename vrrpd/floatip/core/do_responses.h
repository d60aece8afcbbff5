// DigitalOcean API and metadata bodies, decoded. Pure and non-throwing:
// malformed JSON is an Error, never an exception. Field shapes follow the
// public v2 spec (reserved_ips/models/reserved_ip.yml, actions/models/
// action.yml, shared/models/error.yml); see FEATURES.md 4.2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace vrrpd::floatip {

// Who holds the IP: `{"reserved_ip":{"droplet":{"id":N,...}|null,"locked":bool,...}}`
// (`"floating_ip"` on the legacy endpoint; either key is accepted).
struct IpOwnership {
  std::optional<std::uint64_t> droplet_id;  // empty: unassigned
  bool locked = false;                      // a pending action blocks new ones
};

enum class ActionStatus { InProgress, Completed, Errored };

// `{"action":{"id":N,"status":"in-progress|completed|errored",...}}`
struct ActionInfo {
  std::uint64_t id = 0;
  ActionStatus status = ActionStatus::InProgress;
};

// `{"id":"not_found","message":"...","request_id":"..."}`; fields the body
// lacks stay empty.
struct ApiError {
  std::string id;
  std::string message;
  std::string request_id;
};

// Decodes the body of GET /v2/{reserved,floating}_ips/{ip}.
common::Result<IpOwnership> parse_ip_object(std::string_view body);
// Decodes the body of POST .../actions (201) and GET .../actions/{id}.
common::Result<ActionInfo> parse_action(std::string_view body);
// Best effort: the DO error fields of any non-2xx body, empty when absent.
ApiError parse_api_error(std::string_view body);
// The droplet id served as plain text by metadata /metadata/v1/id.
common::Result<std::uint64_t> parse_droplet_id(std::string_view text);
// `{"type":"assign","droplet_id":N}`: the id must be a JSON integer, not a string.
std::string assign_body(std::uint64_t droplet_id);
// "in-progress", "completed", "errored" (the API's words).
std::string_view action_status_name(ActionStatus status);

}  // namespace vrrpd::floatip
