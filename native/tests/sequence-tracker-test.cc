#include "../src/sequence-tracker.h"

#include "harness.h"

using execwatch::SequenceTracker;

namespace {
constexpr uint32_t kExec = 9;
constexpr uint32_t kFork = 11;
}  // namespace

TEST("consecutive sequence numbers count no drops") {
  SequenceTracker tracker;

  for (uint64_t seq = 0; seq < 5; ++seq) tracker.Observe(kExec, seq, seq);

  EXPECT_EQ(tracker.GlobalDrops(), uint64_t{0});
  EXPECT_EQ(tracker.EventTypeDrops(kExec), uint64_t{0});
}

TEST("a gap in seq_num counts the missing messages of that event type only") {
  SequenceTracker tracker;

  tracker.Observe(kExec, 10, 100);
  tracker.Observe(kFork, 3, 101);
  tracker.Observe(kExec, 14, 102);

  EXPECT_EQ(tracker.EventTypeDrops(kExec), uint64_t{3});
  EXPECT_EQ(tracker.EventTypeDrops(kFork), uint64_t{0});
  EXPECT_EQ(tracker.TotalEventTypeDrops(), uint64_t{3});
  EXPECT_EQ(tracker.GlobalDrops(), uint64_t{0});
}

TEST("a gap in global_seq_num counts kernel drops across types") {
  SequenceTracker tracker;

  tracker.Observe(kExec, 1, 1);
  tracker.Observe(kFork, 1, 5);

  EXPECT_EQ(tracker.GlobalDrops(), uint64_t{3});
}

TEST("a number that goes backwards restarts counting instead of adding a drop") {
  SequenceTracker tracker;

  tracker.Observe(kExec, 50, 50);
  tracker.Observe(kExec, 0, 0);
  tracker.Observe(kExec, 1, 1);

  EXPECT_EQ(tracker.GlobalDrops(), uint64_t{0});
  EXPECT_EQ(tracker.EventTypeDrops(kExec), uint64_t{0});
}

TEST("messages without sequence numbers (old versions) are ignored") {
  SequenceTracker tracker;

  tracker.Observe(kExec, std::nullopt, std::nullopt);
  tracker.Observe(kExec, 5, std::nullopt);
  tracker.Observe(kExec, 6, std::nullopt);

  EXPECT_EQ(tracker.EventTypeDrops(kExec), uint64_t{0});
  EXPECT_EQ(tracker.GlobalDrops(), uint64_t{0});
}

TEST("event types beyond the table share the last bucket") {
  SequenceTracker tracker;

  tracker.Observe(1000, 1, std::nullopt);
  tracker.Observe(1000, 4, std::nullopt);

  EXPECT_EQ(tracker.EventTypeDrops(1000), uint64_t{2});
}

TEST_MAIN()
