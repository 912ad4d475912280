// RFC 3339 UTC timestamps in eslogger's spelling: "2025-08-07T15:13:09.811587464Z".
//
// eslogger prints message and stat times with nine fractional digits and process start times
// (a struct timeval) with six; the digit count is the caller's choice. Pure arithmetic on the
// proleptic Gregorian calendar, so it gives the same text on every OS and for times before 1970.
#ifndef EXECWATCH_NATIVE_UTC_TIME_H_
#define EXECWATCH_NATIVE_UTC_TIME_H_

#include <string>

#include "es-record.h"

namespace execwatch {

// fractionDigits is 0 to 9; the sub-second part is truncated, never rounded, as eslogger does.
std::string FormatUtcTimestamp(const TimestampRecord& time, int fractionDigits);

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_UTC_TIME_H_
