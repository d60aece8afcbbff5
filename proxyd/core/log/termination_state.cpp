#include "proxyd/core/log/termination_state.h"

namespace proxyd::log {

char cause_code(TerminationCause cause) {
  switch (cause) {
    case TerminationCause::Normal:
      return '-';
    case TerminationCause::ClientAbort:
      return 'C';
    case TerminationCause::ServerAbort:
      return 'S';
    case TerminationCause::Proxy:
      return 'P';
    case TerminationCause::Resource:
      return 'R';
    case TerminationCause::ClientTimeout:
      return 'c';
    case TerminationCause::ServerTimeout:
      return 's';
    case TerminationCause::Killed:
      return 'K';
    case TerminationCause::ServerDown:
      return 'D';
    case TerminationCause::Local:
      return 'L';
  }
  return '?';
}

char phase_code(SessionPhase phase) {
  switch (phase) {
    case SessionPhase::None:
      return '-';
    case SessionPhase::Request:
      return 'R';
    case SessionPhase::Queue:
      return 'Q';
    case SessionPhase::Connect:
      return 'C';
    case SessionPhase::Headers:
      return 'H';
    case SessionPhase::Data:
      return 'D';
    case SessionPhase::Last:
      return 'L';
    case SessionPhase::Tarpit:
      return 'T';
  }
  return '?';
}

std::string to_string(TerminationState state) {
  return {cause_code(state.cause), phase_code(state.phase)};
}

}  // namespace proxyd::log
