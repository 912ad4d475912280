#include "../src/utc-time.h"

#include "harness.h"

using execwatch::FormatUtcTimestamp;
using execwatch::TimestampRecord;

TEST("message times have nine fractional digits, as eslogger prints them") {
  const TimestampRecord time{1754579589, 811587464};

  EXPECT_EQ(FormatUtcTimestamp(time, 9), std::string("2025-08-07T15:13:09.811587464Z"));
}

TEST("process start times have six fractional digits, truncated") {
  const TimestampRecord time{1754572895, 877422999};

  EXPECT_EQ(FormatUtcTimestamp(time, 6), std::string("2025-08-07T13:21:35.877422Z"));
}

TEST("the epoch and leap days format correctly") {
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{0, 0}, 9),
            std::string("1970-01-01T00:00:00.000000000Z"));
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{951782400, 0}, 0),
            std::string("2000-02-29T00:00:00Z"));
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{4107542399, 0}, 0),
            std::string("2100-02-28T23:59:59Z"));
}

TEST("times before 1970 and odd nanosecond values are normalized") {
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{-1, 0}, 0), std::string("1969-12-31T23:59:59Z"));
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{0, -1}, 9),
            std::string("1969-12-31T23:59:59.999999999Z"));
  EXPECT_EQ(FormatUtcTimestamp(TimestampRecord{0, 1500000000}, 3),
            std::string("1970-01-01T00:00:01.500Z"));
}

TEST_MAIN()
