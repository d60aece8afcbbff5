#include "proxyd/core/http/body_framer.h"

#include <algorithm>

namespace proxyd::http {

void BodyFramer::start(const MessageHead& head) {
  framing_ = head.framing;
  left_ = head.framing == BodyFraming::ContentLength ? head.content_length : 0;
  chunks_.reset();
  done_ = framing_ == BodyFraming::None || (framing_ == BodyFraming::ContentLength && left_ == 0);
}

BodyFramer::Step BodyFramer::feed(std::string_view bytes, bool peer_closed) {
  if (done_) {
    Step step;
    step.done = true;
    return step;
  }
  Step step;
  switch (framing_) {
    case BodyFraming::None:
      break;
    case BodyFraming::ContentLength:
      step.body_bytes = static_cast<std::size_t>(std::min<std::uint64_t>(left_, bytes.size()));
      left_ -= step.body_bytes;
      done_ = left_ == 0;
      break;
    case BodyFraming::Chunked: {
      const auto r = chunks_.feed(bytes);
      if (r.status == ChunkedScanner::Result::Status::Error) {
        step.error = r.error;
        return step;
      }
      step.body_bytes = r.consumed;
      done_ = r.status == ChunkedScanner::Result::Status::Done;
      break;
    }
    case BodyFraming::UntilClose:
      step.body_bytes = bytes.size();
      done_ = peer_closed;
      break;
  }
  step.done = done_;
  step.cut_short = !done_ && peer_closed && step.body_bytes == bytes.size();
  return step;
}

}  // namespace proxyd::http
