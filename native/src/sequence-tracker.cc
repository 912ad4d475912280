#include "sequence-tracker.h"

namespace execwatch {

void SequenceTracker::Observe(uint32_t eventType, std::optional<uint64_t> seqNum,
                              std::optional<uint64_t> globalSeqNum) {
  if (seqNum.has_value()) {
    const uint32_t bucket = Bucket(eventType);
    const uint64_t gap = GapAfter(per_type_[bucket], *seqNum);
    if (gap > 0) per_type_drops_[bucket].fetch_add(gap, std::memory_order_relaxed);
  }

  if (globalSeqNum.has_value()) {
    const uint64_t gap = GapAfter(global_, *globalSeqNum);
    if (gap > 0) global_drops_.fetch_add(gap, std::memory_order_relaxed);
  }
}

uint64_t SequenceTracker::EventTypeDrops(uint32_t eventType) const {
  return per_type_drops_[Bucket(eventType)].load(std::memory_order_relaxed);
}

uint64_t SequenceTracker::TotalEventTypeDrops() const {
  uint64_t total = 0;
  for (const auto& drops : per_type_drops_) total += drops.load(std::memory_order_relaxed);
  return total;
}

uint64_t SequenceTracker::GapAfter(Counter& counter, uint64_t value) {
  const bool isContinuation = counter.seen && value > counter.last;
  const uint64_t gap = isContinuation ? value - counter.last - 1 : 0;

  counter.seen = true;
  counter.last = value;
  return gap;
}

uint32_t SequenceTracker::Bucket(uint32_t eventType) {
  return eventType < kTrackedEventTypes ? eventType : kTrackedEventTypes - 1;
}

}  // namespace execwatch
