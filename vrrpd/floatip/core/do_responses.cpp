#include "vrrpd/floatip/core/do_responses.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/core/text.h"

namespace vrrpd::floatip {
namespace {

using nlohmann::json;

// The non-throwing parse: a discarded value means malformed text.
std::optional<json> parse_json(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

std::string string_field(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::optional<std::uint64_t> id_field(const json& object) {
  const auto it = object.find("id");
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

// The resource object under either name: the API renamed floating IPs to
// reserved IPs in 2022 and serves both spellings.
const json* ip_object(const json& doc) {
  for (const char* key : {"reserved_ip", "floating_ip"}) {
    const auto it = doc.find(key);
    if (it != doc.end() && it->is_object()) return &*it;
  }
  return nullptr;
}

}  // namespace

common::Result<IpOwnership> parse_ip_object(std::string_view body) {
  const auto doc = parse_json(body);
  if (!doc) return common::fail("response is not a JSON object");
  const json* ip = ip_object(*doc);
  if (ip == nullptr) return common::fail("response has no reserved_ip object");
  IpOwnership out;
  const auto locked = ip->find("locked");
  if (locked != ip->end() && !locked->is_boolean()) return common::fail("reserved_ip.locked is not a boolean");
  out.locked = locked != ip->end() && locked->get<bool>();
  const auto droplet = ip->find("droplet");
  if (droplet == ip->end() || droplet->is_null()) return out;
  if (!droplet->is_object()) return common::fail("reserved_ip.droplet is neither an object nor null");
  out.droplet_id = id_field(*droplet);
  if (!out.droplet_id) return common::fail("reserved_ip.droplet has no integer id");
  return out;
}

common::Result<ActionInfo> parse_action(std::string_view body) {
  const auto doc = parse_json(body);
  if (!doc) return common::fail("response is not a JSON object");
  const auto action = doc->find("action");
  if (action == doc->end() || !action->is_object()) return common::fail("response has no action object");
  const auto id = id_field(*action);
  if (!id) return common::fail("action has no integer id");
  const std::string status = string_field(*action, "status");
  if (status.empty()) return common::fail("action {} has no status", *id);
  ActionInfo out{*id, ActionStatus::InProgress};
  // The spec lists only these three; anything else is treated as still
  // running, which the budget bounds.
  if (status == "completed") out.status = ActionStatus::Completed;
  if (status == "errored") out.status = ActionStatus::Errored;
  return out;
}

ApiError parse_api_error(std::string_view body) {
  const auto doc = parse_json(body);
  if (!doc) return {};
  return {string_field(*doc, "id"), string_field(*doc, "message"), string_field(*doc, "request_id")};
}

common::Result<std::uint64_t> parse_droplet_id(std::string_view text) {
  const auto digits = common::text::trim(text);
  std::uint64_t id = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, id);
  if (digits.empty() || ec != std::errc{} || ptr != end || id == 0) {
    return common::fail("metadata droplet id is not a positive integer");
  }
  return id;
}

std::string assign_body(std::uint64_t droplet_id) {
  return fmt::format(R"({{"type":"assign","droplet_id":{}}})", droplet_id);
}

std::string_view action_status_name(ActionStatus status) {
  switch (status) {
    case ActionStatus::InProgress:
      return "in-progress";
    case ActionStatus::Completed:
      return "completed";
    case ActionStatus::Errored:
      return "errored";
  }
  return "?";
}

}  // namespace vrrpd::floatip
