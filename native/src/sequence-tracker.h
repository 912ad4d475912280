// Counts the messages the kernel dropped for our client, from gaps in sequence numbers.
//
// ES numbers each client's messages twice: `seq_num` per event type and `global_seq_num` over
// all types. With nothing dropped each grows by exactly one; a jump from n to n + 1 + k means k
// messages were lost before they reached us. Those are kernel drops, counted apart from the drops
// of our own queue (RecordQueue::Dropped) because they have different causes and fixes.
//
// Invariant: Observe is called by one thread at a time (the ES handler); the totals are atomic
// and may be read from any thread. A number that goes backwards (a new client, a wrap) is taken
// as a new starting point, not as a drop.
#ifndef EXECWATCH_NATIVE_SEQUENCE_TRACKER_H_
#define EXECWATCH_NATIVE_SEQUENCE_TRACKER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

namespace execwatch {

class SequenceTracker {
 public:
  // Event types beyond this are folded into one bucket; ES has about 150 types today.
  static constexpr uint32_t kTrackedEventTypes = 256;

  // Records one message's numbers; either may be absent in old message versions.
  void Observe(uint32_t eventType, std::optional<uint64_t> seqNum,
               std::optional<uint64_t> globalSeqNum);

  // Messages lost according to global_seq_num gaps.
  uint64_t GlobalDrops() const { return global_drops_.load(std::memory_order_relaxed); }

  // Messages of one event type lost according to its seq_num gaps.
  uint64_t EventTypeDrops(uint32_t eventType) const;

  // The sum of EventTypeDrops over all types.
  uint64_t TotalEventTypeDrops() const;

 private:
  struct Counter {
    bool seen = false;
    uint64_t last = 0;
  };

  static uint64_t GapAfter(Counter& counter, uint64_t value);
  static uint32_t Bucket(uint32_t eventType);

  Counter global_;
  std::array<Counter, kTrackedEventTypes> per_type_{};
  std::atomic<uint64_t> global_drops_{0};
  std::array<std::atomic<uint64_t>, kTrackedEventTypes> per_type_drops_{};
};

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_SEQUENCE_TRACKER_H_
