// The names of es_new_client_result_t values, as eslogger prints them on stderr.
//
// The native side reports a failed es_new_client by this raw name only; the one table that turns
// a name into a stable error code and an operator sentence lives in TypeScript
// (src/sources/es-errors.ts) and serves the addon and the eslogger source alike.
#ifndef EXECWATCH_NATIVE_CLIENT_RESULT_NAMES_H_
#define EXECWATCH_NATIVE_CLIENT_RESULT_NAMES_H_

#include <cstdint>
#include <string>

namespace execwatch {

// es_new_client_result_t is a plain C enum numbered from 0 in declaration order (ESTypes.h);
// these mirror it so the name table compiles without Apple's headers.
enum class NewClientResult : int32_t {
  kSuccess = 0,
  kInvalidArgument = 1,
  kInternal = 2,
  kNotEntitled = 3,
  kNotPermitted = 4,
  kNotPrivileged = 5,
  kTooManyClients = 6,
};

// "ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED" and friends; an unknown value becomes
// "ES_NEW_CLIENT_RESULT_UNKNOWN_<n>" so a newer SDK's result is still reported, never dropped.
std::string NewClientResultName(int32_t result);

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_CLIENT_RESULT_NAMES_H_
