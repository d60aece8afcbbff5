// ChunkedScanner (declared in message_head.h): a byte-at-a-time state
// machine over the chunked framing; chunk data is skipped in blocks.
#include <algorithm>

#include "proxyd/core/http/message_head.h"

namespace proxyd::http {
namespace {

using Status = ChunkedScanner::Result::Status;

// A chunk-size line (size and extensions) longer than this is refused: no
// sender needs it and it would let a peer stream bytes that are not body.
constexpr std::size_t kMaxSizeLine = 4096;
constexpr std::size_t kMaxSizeDigits = 16;  // 64 bits

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_token(char c) {
  return is_token_char(static_cast<unsigned char>(c));
}

// qdtext (RFC 9110 5.6.4): HTAB, SP, visible ASCII but '"' and '\', obs-text.
bool is_qdtext(unsigned char c) {
  return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c != 0x7f);
}

bool is_value_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

}  // namespace

void ChunkedScanner::reset() {
  *this = ChunkedScanner(max_trailer_bytes_);
}

ChunkedScanner::Result ChunkedScanner::fail(std::size_t consumed, std::string_view why) {
  stage_ = Stage::Failed;
  error_ = why;
  return {Status::Error, consumed, why};
}

ChunkedScanner::Result ChunkedScanner::feed(std::string_view bytes, std::string* decoded) {
  if (stage_ == Stage::Done) return {Status::Done, 0, {}};
  if (stage_ == Stage::Failed) return {Status::Error, 0, error_};
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (stage_ == Stage::Data) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size() - i));
      if (decoded) decoded->append(bytes.substr(i, n));
      data_bytes_ += n;
      remaining_ -= n;
      i += n;
      if (remaining_ == 0) stage_ = Stage::DataCr;
      continue;
    }
    const char c = bytes[i];
    // The trailer section: every byte after the last-chunk line.
    if ((stage_ == Stage::Trailer || stage_ == Stage::TrailerLf) && ++trailer_bytes_ > max_trailer_bytes_) {
      return fail(i, "trailer section too large");
    }
    bool ok = true;
    switch (stage_) {
      case Stage::Size:
        ok = on_size(c);
        break;
      case Stage::Extension:
        ok = on_extension(c);
        break;
      case Stage::DataCr:
        ok = c == '\r';
        error_ = "missing CRLF after chunk data";
        stage_ = Stage::DataLf;
        break;
      case Stage::SizeLf:
      case Stage::DataLf:
      case Stage::TrailerLf:
        ok = on_line_feed(c);
        break;
      case Stage::Trailer:
        ok = on_trailer(c);
        break;
      case Stage::Data:
      case Stage::Done:
      case Stage::Failed:
        break;
    }
    if (!ok) return fail(i, error_);
    ++i;
    if (stage_ == Stage::Done) return {Status::Done, i, {}};
  }
  return {Status::NeedMore, i, {}};
}

bool ChunkedScanner::on_size(char c) {
  if (++size_line_ > kMaxSizeLine) {
    error_ = "chunk-size line too long";
    return false;
  }
  const int digit = hex_value(c);
  if (digit >= 0) {
    if (size_digits_ == kMaxSizeDigits) {
      error_ = "chunk size too large";
      return false;
    }
    ++size_digits_;
    remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(digit);
    return true;
  }
  if (size_digits_ == 0 || (c != ';' && c != '\r')) {
    error_ = "invalid chunk size";
    return false;
  }
  if (c == ';') {
    stage_ = Stage::Extension;
    ext_stage_ = ExtStage::NameStart;
  } else {
    stage_ = Stage::SizeLf;
  }
  return true;
}

// chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ), no blanks.
bool ChunkedScanner::on_extension(char c) {
  error_ = "invalid chunk extension";
  if (++size_line_ > kMaxSizeLine) {
    error_ = "chunk-size line too long";
    return false;
  }
  const auto u = static_cast<unsigned char>(c);
  const bool may_end =
      ext_stage_ == ExtStage::Name || ext_stage_ == ExtStage::Token || ext_stage_ == ExtStage::QuotedEnd;
  if (may_end && (c == ';' || c == '\r')) {
    ext_stage_ = ExtStage::NameStart;
    if (c == '\r') stage_ = Stage::SizeLf;
    return true;
  }
  switch (ext_stage_) {
    case ExtStage::NameStart:
    case ExtStage::Name:
      if (ext_stage_ == ExtStage::Name && c == '=') {
        ext_stage_ = ExtStage::ValueStart;
        return true;
      }
      ext_stage_ = ExtStage::Name;
      return is_token(c);
    case ExtStage::ValueStart:
      if (c == '"') {
        ext_stage_ = ExtStage::Quoted;
        return true;
      }
      ext_stage_ = ExtStage::Token;
      return is_token(c);
    case ExtStage::Token:
      return is_token(c);
    case ExtStage::Quoted:
      if (c == '"') ext_stage_ = ExtStage::QuotedEnd;
      if (c == '\\') ext_stage_ = ExtStage::QuotedEscape;
      return c == '"' || c == '\\' || is_qdtext(u);
    case ExtStage::QuotedEscape:
      ext_stage_ = ExtStage::Quoted;
      return c == '\t' || (u >= 0x20 && u != 0x7f);
    case ExtStage::QuotedEnd:
      return false;
  }
  return false;
}

// A trailer line is a header field (RFC 9112 7.1.2): token ":" value.
bool ChunkedScanner::on_trailer(char c) {
  if (c == '\n') {
    error_ = "bare LF in chunked framing";
    return false;
  }
  if (c == '\r') {
    if (trailer_line_ > 0 && !trailer_in_value_) {
      error_ = "trailer line without a colon";
      return false;
    }
    stage_ = Stage::TrailerLf;
    return true;
  }
  ++trailer_line_;
  if (trailer_in_value_) {
    error_ = "invalid character in trailer value";
    return is_value_char(static_cast<unsigned char>(c));
  }
  if (c == ':' && trailer_line_ > 1) {
    trailer_in_value_ = true;
    return true;
  }
  error_ = "invalid trailer field name";
  return is_token(c);
}

bool ChunkedScanner::on_line_feed(char c) {
  if (c != '\n') {
    error_ = stage_ == Stage::DataLf ? "missing CRLF after chunk data" : "bare CR in chunked framing";
    return false;
  }
  if (stage_ == Stage::SizeLf) {
    size_line_ = 0;
    size_digits_ = 0;
    // The last chunk (size 0) is followed by the trailer section.
    stage_ = remaining_ > 0 ? Stage::Data : Stage::Trailer;
  } else if (stage_ == Stage::DataLf) {
    stage_ = Stage::Size;
  } else if (trailer_line_ == 0) {
    stage_ = Stage::Done;  // the empty line that ends the body
  } else {
    stage_ = Stage::Trailer;
    trailer_line_ = 0;
    trailer_in_value_ = false;
  }
  return true;
}

}  // namespace proxyd::http
