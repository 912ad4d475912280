#include "client-result-names.h"

namespace execwatch {

std::string NewClientResultName(int32_t result) {
  switch (static_cast<NewClientResult>(result)) {
    case NewClientResult::kSuccess:
      return "ES_NEW_CLIENT_RESULT_SUCCESS";
    case NewClientResult::kInvalidArgument:
      return "ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT";
    case NewClientResult::kInternal:
      return "ES_NEW_CLIENT_RESULT_ERR_INTERNAL";
    case NewClientResult::kNotEntitled:
      return "ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED";
    case NewClientResult::kNotPermitted:
      return "ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED";
    case NewClientResult::kNotPrivileged:
      return "ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED";
    case NewClientResult::kTooManyClients:
      return "ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS";
  }
  return "ES_NEW_CLIENT_RESULT_UNKNOWN_" + std::to_string(result);
}

}  // namespace execwatch
