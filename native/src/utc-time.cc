#include "utc-time.h"

#include <cstdint>
#include <cstdio>

namespace execwatch {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kNanosecondsPerSecond = 1000000000;

struct CivilDate {
  int64_t year;
  int month;
  int day;
};

int64_t FloorDivide(int64_t value, int64_t divisor) {
  const int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

// Days since 1970-01-01 to a calendar date, counting in 400-year eras that start on March 1st
// so that the leap day falls at the end of each year of the era.
CivilDate CivilFromDays(int64_t daysSinceEpoch) {
  const int64_t shifted = daysSinceEpoch + 719468;  // days from 0000-03-01 to 1970-01-01
  const int64_t era = FloorDivide(shifted, 146097);
  const int64_t dayOfEra = shifted - era * 146097;
  const int64_t yearOfEra =
      (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const int64_t monthFromMarch = (5 * dayOfYear + 2) / 153;

  const int day = static_cast<int>(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
  const int month = static_cast<int>(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
  const int64_t year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{year, month, day};
}

}  // namespace

std::string FormatUtcTimestamp(const TimestampRecord& time, int fractionDigits) {
  // Normalize so that 0 <= nanoseconds < 1e9 even for odd inputs.
  const int64_t carry = FloorDivide(time.nanoseconds, kNanosecondsPerSecond);
  const int64_t seconds = time.seconds + carry;
  const int64_t nanoseconds = time.nanoseconds - carry * kNanosecondsPerSecond;

  const int64_t days = FloorDivide(seconds, kSecondsPerDay);
  const int64_t secondOfDay = seconds - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);

  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02lld:%02lld:%02lld",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(secondOfDay / 3600),
                static_cast<long long>(secondOfDay / 60 % 60),
                static_cast<long long>(secondOfDay % 60));
  std::string text(buffer);

  const int digits = fractionDigits < 0 ? 0 : (fractionDigits > 9 ? 9 : fractionDigits);
  if (digits > 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, "%09lld", static_cast<long long>(nanoseconds));
    text += '.';
    text.append(fraction, static_cast<size_t>(digits));
  }
  text += 'Z';
  return text;
}

}  // namespace execwatch
