#include "proxyd/core/sample/fetches.h"

#include <array>
#include <charconv>

#include "common/core/text.h"
#include "proxyd/core/http/basic_auth.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/sample/library.h"

namespace proxyd::sample {

namespace {

using Args = std::span<const std::string>;
using Samples = std::vector<Sample>;

Samples one(Sample s) {
  return {std::move(s)};
}

std::string_view arg(Args args, std::size_t i) {
  return i < args.size() ? std::string_view(args[i]) : "";
}

// The values of header <name> in <head>: each field, split on commas
// (HAProxy's hdr()) or whole (fhdr()).
std::vector<std::string_view> header_values(const http::MessageHead* head, std::string_view name, bool split) {
  std::vector<std::string_view> values;
  if (head == nullptr) return values;
  for (const auto& field : head->headers) {
    if (!common::text::iequals(field.name, name)) continue;
    if (!split) {
      values.push_back(field.value);
      continue;
    }
    std::string_view rest = field.value;
    while (true) {
      const auto comma = rest.find(',');
      values.push_back(common::text::trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

// hdr(name[,occ]): all values, or the occ-th (1 = first, -1 = last).
Samples headers_of(const http::MessageHead* head, Args args, bool split) {
  const auto values = header_values(head, arg(args, 0), split);
  Samples out;
  if (args.size() > 1) {
    int occ = 0;
    std::from_chars(args[1].data(), args[1].data() + args[1].size(), occ);
    const auto n = static_cast<int>(values.size());
    const int index = occ > 0 ? occ - 1 : n + occ;
    if (occ != 0 && index >= 0 && index < n)
      out.push_back(Sample::of_str(std::string(values[static_cast<std::size_t>(index)])));
    return out;
  }
  for (const auto v : values) out.push_back(Sample::of_str(std::string(v)));
  return out;
}

Samples hdr(const Context& c, Args a) {
  return headers_of(c.request, a, true);
}
Samples fhdr(const Context& c, Args a) {
  return headers_of(c.request, a, false);
}
Samples res_hdr(const Context& c, Args a) {
  return headers_of(c.response, a, true);
}
Samples res_fhdr(const Context& c, Args a) {
  return headers_of(c.response, a, false);
}
Samples hdr_cnt(const Context& c, Args a) {
  return one(Sample::of_int(static_cast<std::int64_t>(header_values(c.request, arg(a, 0), true).size())));
}

// A Unix socket has no IP address nor port: no sample, as HAProxy.
Samples src(const Context& c, Args) {
  return c.src.is_unix() ? Samples{} : one(Sample::of_ip(c.src.address));
}
Samples src_port(const Context& c, Args) {
  return c.src.is_unix() ? Samples{} : one(Sample::of_int(c.src.port));
}
Samples dst(const Context& c, Args) {
  return c.dst.is_unix() ? Samples{} : one(Sample::of_ip(c.dst.address));
}
Samples dst_port(const Context& c, Args) {
  return c.dst.is_unix() ? Samples{} : one(Sample::of_int(c.dst.port));
}
Samples fe_name(const Context& c, Args) {
  return one(Sample::of_str(std::string(c.frontend)));
}
Samples be_name(const Context& c, Args) {
  return c.backend.empty() ? Samples{} : one(Sample::of_str(std::string(c.backend)));
}

Samples request_part(const Context& c, std::string_view (*part)(const http::MessageHead&)) {
  return c.request ? one(Sample::of_str(std::string(part(*c.request)))) : Samples{};
}
Samples path(const Context& c, Args) {
  return request_part(c, [](const auto& h) { return h.path(); });
}
Samples url(const Context& c, Args) {
  return request_part(c, [](const auto& h) { return h.target; });
}
Samples method(const Context& c, Args) {
  return request_part(c, [](const auto& h) { return h.method; });
}
Samples query(const Context& c, Args) {
  if (c.request == nullptr || c.request->target.find('?') == std::string_view::npos) return {};
  return one(Sample::of_str(std::string(c.request->query())));
}
Samples req_ver(const Context& c, Args) {
  if (c.request == nullptr) return {};
  return one(Sample::of_str(c.request->version_minor == 0 ? "1.0" : "1.1"));
}
// base: the Host header and the path (configuration.txt: "base").
Samples base(const Context& c, Args) {
  if (c.request == nullptr) return {};
  return one(Sample::of_str(std::string(c.request->header("host").value_or("")) + std::string(c.request->path())));
}
// host (proxyd's own shorthand): the Host header without its port.
Samples host(const Context& c, Args) {
  if (c.request == nullptr) return {};
  return one(Sample::of_str(std::string(http::host_without_port(c.request->header("host").value_or("")))));
}
// url_param(name[,delim]): the first value of <name> in the query string.
Samples url_param(const Context& c, Args a) {
  if (c.request == nullptr) return {};
  const char delim = a.size() > 1 && !a[1].empty() ? a[1][0] : '&';
  std::string_view rest = c.request->query();
  while (!rest.empty()) {
    const auto end = rest.find(delim);
    const auto pair = rest.substr(0, end);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == arg(a, 0)) {
      return one(Sample::of_str(std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1))));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}
Samples status(const Context& c, Args) {
  return c.response ? one(Sample::of_int(c.response->status)) : Samples{};
}

// cook(name): the cookie <name> of the Cookie headers; res.cook: of Set-Cookie.
Samples cookies_of(const http::MessageHead* head, std::string_view header, std::string_view name, bool first_only) {
  Samples out;
  for (const auto value : header_values(head, header, false)) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      const auto pair = common::text::trim(rest.substr(0, end));
      const auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        out.push_back(Sample::of_str(std::string(pair.substr(eq + 1))));
      }
      if (first_only || end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  return out;
}
Samples cook(const Context& c, Args a) {
  return cookies_of(c.request, "cookie", arg(a, 0), false);
}
Samples res_cook(const Context& c, Args a) {
  return cookies_of(c.response, "set-cookie", arg(a, 0), true);
}

Samples ssl_fc(const Context& c, Args) {
  return one(Sample::of_bool(c.tls));
}
Samples text_or_none(std::string_view s) {
  return s.empty() ? Samples{} : one(Sample::of_str(std::string(s)));
}
Samples ssl_fc_sni(const Context& c, Args) {
  return text_or_none(c.sni);
}
Samples ssl_fc_alpn(const Context& c, Args) {
  return text_or_none(c.alpn);
}
Samples ssl_fc_protocol(const Context& c, Args) {
  return text_or_none(c.tls_version);
}

Samples always_true(const Context&, Args) {
  return one(Sample::of_bool(true));
}
Samples always_false(const Context&, Args) {
  return one(Sample::of_bool(false));
}
Samples int_(const Context&, Args a) {
  return one(Sample::of_int(Sample::of_str(std::string(arg(a, 0))).as_int().value_or(0)));
}
Samples str(const Context&, Args a) {
  return one(Sample::of_str(std::string(arg(a, 0))));
}
Samples env(const Context& c, Args a) {
  if (!c.env) return {};
  const auto value = c.env(arg(a, 0));
  return value ? one(Sample::of_str(*value)) : Samples{};
}

// var(SCOPE.NAME[,DEFAULT])
Samples var(const Context& c, Args a) {
  const auto name = parse_var_name(arg(a, 0));
  if (name && c.vars != nullptr) {
    if (auto value = c.vars->get(*name)) return one(std::move(*value));
  }
  if (a.size() > 1) return one(Sample::of_str(a[1]));
  return {};
}

common::Status check_var(Args a, const Library*) {
  auto name = parse_var_name(arg(a, 0));
  if (!name) return tl::unexpected(name.error());
  return {};
}

// The user of userlist <a>[0] whom the request's Authorization names, if the password checks.
const http::User* auth_user(const Context& c, Args a, const http::Userlist** list) {
  *list = c.library != nullptr ? c.library->userlist(arg(a, 0)) : nullptr;
  if (*list == nullptr || c.request == nullptr) return nullptr;
  const auto authorization = c.request->header("authorization");
  return authorization ? (*list)->authenticate(*authorization) : nullptr;
}

Samples http_auth(const Context& c, Args a) {
  const http::Userlist* list = nullptr;
  return one(Sample::of_bool(auth_user(c, a, &list) != nullptr));
}

// The groups of the authenticated user (an ACL's patterns name the groups).
Samples http_auth_group(const Context& c, Args a) {
  const http::Userlist* list = nullptr;
  const auto* user = auth_user(c, a, &list);
  if (user == nullptr) return {};
  Samples out;
  for (auto& g : list->groups_of(*user)) out.push_back(Sample::of_str(std::move(g)));
  return out;
}

common::Status check_userlist(Args a, const Library* lib) {
  if (lib == nullptr || lib->userlist(arg(a, 0)) == nullptr)
    return common::fail("no userlist named '{}' ([userlist {}] defines one)", arg(a, 0), arg(a, 0));
  return {};
}

std::optional<http::Credentials> credentials(const Context& c) {
  if (c.request == nullptr) return std::nullopt;
  const auto authorization = c.request->header("authorization");
  return authorization ? http::parse_basic_authorization(*authorization) : std::nullopt;
}
Samples http_auth_type(const Context& c, Args) {
  if (c.request == nullptr) return {};
  const auto authorization = c.request->header("authorization");
  if (!authorization) return {};
  return one(Sample::of_str(std::string(authorization->substr(0, authorization->find(' ')))));
}
Samples http_auth_user(const Context& c, Args) {
  auto cred = credentials(c);
  return cred ? one(Sample::of_str(std::move(cred->user))) : Samples{};
}
Samples http_auth_pass(const Context& c, Args) {
  auto cred = credentials(c);
  return cred ? one(Sample::of_str(std::move(cred->password))) : Samples{};
}

Samples req_len(const Context& c, Args) {
  return c.payload_length ? one(Sample::of_int(*c.payload_length)) : Samples{};
}
Samples req_ssl_hello_type(const Context& c, Args) {
  return c.hello_type != 0 ? one(Sample::of_int(c.hello_type)) : Samples{};
}

// The backend named by the argument, or the current one.
std::string_view backend_arg(const Context& c, Args a) {
  return a.empty() || a[0].empty() ? c.backend : std::string_view(a[0]);
}
Samples from_runtime(std::optional<std::int64_t> v) {
  return v ? one(Sample::of_int(*v)) : Samples{};
}
Samples nbsrv(const Context& c, Args a) {
  return c.runtime ? from_runtime(c.runtime->usable_servers(backend_arg(c, a))) : Samples{};
}
Samples be_conn(const Context& c, Args a) {
  return c.runtime ? from_runtime(c.runtime->backend_connections(backend_arg(c, a))) : Samples{};
}
Samples fe_conn(const Context& c, Args a) {
  const auto name = a.empty() || a[0].empty() ? c.frontend : std::string_view(a[0]);
  return c.runtime ? from_runtime(c.runtime->frontend_connections(name)) : Samples{};
}
Samples connslots(const Context& c, Args a) {
  return c.runtime ? from_runtime(c.runtime->free_slots(backend_arg(c, a))) : Samples{};
}
// avg_queue: the backend's queued sessions per usable server (all of them with none).
Samples avg_queue(const Context& c, Args a) {
  if (!c.runtime) return {};
  const auto queued = c.runtime->queued(backend_arg(c, a));
  const auto servers = c.runtime->usable_servers(backend_arg(c, a));
  if (!queued || !servers) return {};
  return one(Sample::of_int(*servers > 0 ? *queued / *servers : *queued));
}
// srv_is_up(BACKEND/SERVER) or srv_is_up(SERVER) in the current backend.
Samples srv_is_up(const Context& c, Args a) {
  if (!c.runtime) return {};
  const std::string_view ref = arg(a, 0);
  const auto slash = ref.find('/');
  const auto up = slash == std::string_view::npos ? c.runtime->server_up(c.backend, ref)
                                                  : c.runtime->server_up(ref.substr(0, slash), ref.substr(slash + 1));
  return up ? one(Sample::of_bool(*up)) : Samples{};
}
Samples date(const Context& c, Args a) {
  const auto offset = Sample::of_str(std::string(arg(a, 0))).as_int().value_or(0);
  if (c.now_unix == nullptr) return {};
  return one(Sample::of_int(c.now_unix() + offset));
}
Samples rand(const Context& c, Args a) {
  if (c.random == nullptr) return {};
  const auto range = a.empty() ? 0 : Sample::of_str(a[0]).as_int().value_or(0);
  const auto v = c.random();
  return one(Sample::of_int(range > 0 ? static_cast<std::int64_t>(v % static_cast<std::uint64_t>(range))
                                      : static_cast<std::int64_t>(v & 0x7fffffff)));
}
constexpr std::array kFetches{
    FetchDef{"src", src, 0, 0, Match::Ip},
    FetchDef{"src_port", src_port, 0, 0, Match::Int},
    FetchDef{"dst", dst, 0, 0, Match::Ip},
    FetchDef{"dst_port", dst_port, 0, 0, Match::Int},
    FetchDef{"fe_name", fe_name, 0, 0, Match::Str},
    FetchDef{"be_name", be_name, 0, 0, Match::Str},
    FetchDef{"path", path, 0, 0, Match::Str, true},
    FetchDef{"url", url, 0, 0, Match::Str, true},
    FetchDef{"query", query, 0, 0, Match::Str, true},
    FetchDef{"base", base, 0, 0, Match::Str, true},
    FetchDef{"method", method, 0, 0, Match::Str, true},
    FetchDef{"req.ver", req_ver, 0, 0, Match::Str, true},
    FetchDef{"url_param", url_param, 1, 2, Match::Str, true},
    FetchDef{"urlp", url_param, 1, 2, Match::Str, true},
    FetchDef{"hdr", hdr, 1, 2, Match::Str, true},
    FetchDef{"req.hdr", hdr, 1, 2, Match::Str, true},
    FetchDef{"req.fhdr", fhdr, 1, 2, Match::Str, true},
    FetchDef{"hdr_cnt", hdr_cnt, 1, 1, Match::Int, true},
    FetchDef{"req.hdr_cnt", hdr_cnt, 1, 1, Match::Int, true},
    FetchDef{"res.hdr", res_hdr, 1, 2, Match::Str, true},
    FetchDef{"res.fhdr", res_fhdr, 1, 2, Match::Str, true},
    FetchDef{"status", status, 0, 0, Match::Int, true},
    FetchDef{"cook", cook, 1, 1, Match::Str, true},
    FetchDef{"req.cook", cook, 1, 1, Match::Str, true},
    FetchDef{"res.cook", res_cook, 1, 1, Match::Str, true},
    FetchDef{"ssl_fc", ssl_fc, 0, 0, Match::Bool},
    FetchDef{"ssl_fc_sni", ssl_fc_sni, 0, 0, Match::Str},
    FetchDef{"req.ssl_sni", ssl_fc_sni, 0, 0, Match::Str},
    FetchDef{"req_ssl_sni", ssl_fc_sni, 0, 0, Match::Str},
    FetchDef{"req.len", req_len, 0, 0, Match::Int},
    FetchDef{"req_len", req_len, 0, 0, Match::Int},
    FetchDef{"req.ssl_hello_type", req_ssl_hello_type, 0, 0, Match::Int},
    FetchDef{"req_ssl_hello_type", req_ssl_hello_type, 0, 0, Match::Int},
    FetchDef{"ssl_fc_alpn", ssl_fc_alpn, 0, 0, Match::Str},
    FetchDef{"ssl_fc_protocol", ssl_fc_protocol, 0, 0, Match::Str},
    FetchDef{"always_true", always_true, 0, 0, Match::Bool},
    FetchDef{"always_false", always_false, 0, 0, Match::Bool},
    FetchDef{"int", int_, 1, 1, Match::Int},
    FetchDef{"str", str, 1, 1, Match::Str},
    FetchDef{"env", env, 1, 1, Match::Str},
    FetchDef{"var", var, 1, 2, Match::Str, false, check_var, true},
    FetchDef{"nbsrv", nbsrv, 0, 1, Match::Int},
    FetchDef{"be_conn", be_conn, 0, 1, Match::Int},
    FetchDef{"fe_conn", fe_conn, 0, 1, Match::Int},
    FetchDef{"connslots", connslots, 0, 1, Match::Int},
    FetchDef{"avg_queue", avg_queue, 0, 1, Match::Int},
    FetchDef{"srv_is_up", srv_is_up, 1, 1, Match::Bool},
    FetchDef{"date", date, 0, 1, Match::Int},
    FetchDef{"rand", rand, 0, 1, Match::Int},
    FetchDef{"http_auth", http_auth, 1, 1, Match::Bool, true, check_userlist},
    FetchDef{"http_auth_group", http_auth_group, 1, 1, Match::Str, true, check_userlist},
    FetchDef{"http_auth_type", http_auth_type, 0, 0, Match::Str, true},
    FetchDef{"http_auth_user", http_auth_user, 0, 0, Match::Str, true},
    FetchDef{"http_auth_pass", http_auth_pass, 0, 0, Match::Str, true},
    // proxyd's shorthands of its first condition syntax (`if host X`, `if sni X`).
    FetchDef{"host", host, 0, 0, Match::Str, true},
    FetchDef{"sni", ssl_fc_sni, 0, 0, Match::Str},
};

}  // namespace

const FetchDef* find_fetch(std::string_view name) {
  for (const auto& f : kFetches) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string_view> fetch_names() {
  std::vector<std::string_view> names;
  for (const auto& f : kFetches) names.push_back(f.name);
  return names;
}

std::optional<Match> parse_match(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Match>, 12> kMethods{{
      {"found", Match::Found},
      {"bool", Match::Bool},
      {"int", Match::Int},
      {"ip", Match::Ip},
      {"len", Match::Len},
      {"str", Match::Str},
      {"sub", Match::Sub},
      {"reg", Match::Reg},
      {"beg", Match::Beg},
      {"end", Match::End},
      {"dir", Match::Dir},
      {"dom", Match::Dom},
  }};
  for (const auto& [n, m] : kMethods) {
    if (n == name) return m;
  }
  return std::nullopt;
}

}  // namespace proxyd::sample
