#include "proxyd/core/http/editable_head.h"

#include <algorithm>

#include "common/core/text.h"

namespace proxyd::http {

namespace {

// <view> moved from <from> to the same place in <to> (when it lies in <from>).
std::string_view rebase(std::string_view view, std::string_view from, const std::string& to) {
  if (view.data() == nullptr || view.data() < from.data() || view.data() + view.size() > from.data() + from.size())
    return view;
  return {to.data() + (view.data() - from.data()), view.size()};
}

}  // namespace

void EditableHead::reset(const MessageHead& head, std::string_view raw) {
  storage_.clear();
  raw_.assign(raw);
  head_ = head;
  head_.method = rebase(head.method, raw, raw_);
  head_.target = rebase(head.target, raw, raw_);
  head_.reason = rebase(head.reason, raw, raw_);
  for (auto& field : head_.headers) {
    field.name = rebase(field.name, raw, raw_);
    field.value = rebase(field.value, raw, raw_);
  }
}

std::string_view EditableHead::keep(std::string_view text) {
  storage_.emplace_front(text);
  return storage_.front();
}

void EditableHead::del_header(std::string_view name) {
  std::erase_if(head_.headers, [&](const HeaderField& f) { return common::text::iequals(f.name, name); });
}

void EditableHead::add_header(std::string_view name, std::string_view value) {
  head_.headers.push_back({keep(name), keep(value)});
}

void EditableHead::set_header(std::string_view name, std::string_view value) {
  del_header(name);
  add_header(name, value);
}

void EditableHead::rewrite_headers(std::string_view name,
                                   const std::function<std::optional<std::string>(std::string_view)>& rewrite) {
  for (auto& field : head_.headers) {
    if (!common::text::iequals(field.name, name)) continue;
    if (auto value = rewrite(field.value)) field.value = keep(*value);
  }
}

void EditableHead::rewrite_lines(const std::function<std::optional<std::string>(std::string_view)>& rewrite) {
  std::vector<HeaderField> out;
  for (const auto& field : head_.headers) {
    const bool framing =
        common::text::iequals(field.name, "content-length") || common::text::iequals(field.name, "transfer-encoding");
    const auto line = framing ? std::nullopt : rewrite(std::string(field.name) + ": " + std::string(field.value));
    if (!line) {
      out.push_back(field);
      continue;
    }
    const auto colon = line->find(':');
    const auto name =
        colon == std::string::npos ? std::string_view() : common::text::trim(std::string_view(*line).substr(0, colon));
    if (name.empty()) continue;
    out.push_back({keep(name), keep(common::text::trim(std::string_view(*line).substr(colon + 1)))});
  }
  head_.headers = std::move(out);
}

void EditableHead::set_target(std::string_view target) {
  head_.target = keep(target);
}

void EditableHead::set_method(std::string_view method) {
  head_.method = keep(method);
}

void EditableHead::set_status(int status, std::string_view reason) {
  head_.status = status;
  head_.reason = keep(reason);
}

}  // namespace proxyd::http
