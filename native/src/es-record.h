// The plain, owned copy of one Endpoint Security message: everything execwatch uses from an
// es_message_t, and nothing that points back into it. The ES handler fills one of these and
// returns at once; the JS thread later turns it into an object in eslogger's JSON shape.
//
// Invariant: an EsMessageRecord owns all of its memory (std::string, std::vector, values), so it
// can outlive the es_message_t it was copied from and cross threads by move. Fields that only
// exist from some message version on carry a `has_…` flag (or std::optional) so "absent in this
// version" and "null" stay distinct, as they are in eslogger's output.
#ifndef EXECWATCH_NATIVE_ES_RECORD_H_
#define EXECWATCH_NATIVE_ES_RECORD_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace execwatch {

// Event type numbers as in es_event_type_t (ESTypes.h); they are ABI and never renumbered.
constexpr uint32_t kEventTypeNotifyExec = 9;
constexpr uint32_t kEventTypeNotifyFork = 11;
constexpr uint32_t kEventTypeNotifyExit = 15;

// A point in time as seconds since the epoch plus a sub-second part in nanoseconds.
struct TimestampRecord {
  int64_t seconds = 0;
  int64_t nanoseconds = 0;
};

// The eight values libbsm extracts from an audit_token_t.
struct AuditTokenRecord {
  uint32_t auid = 0;
  uint32_t euid = 0;
  uint32_t egid = 0;
  uint32_t ruid = 0;
  uint32_t rgid = 0;
  int32_t pid = 0;
  int32_t asid = 0;
  int32_t pidversion = 0;
};

// The fields of struct stat that eslogger prints, widened to fixed-size integers.
struct StatRecord {
  int64_t dev = 0;
  uint32_t mode = 0;
  uint32_t nlink = 0;
  uint64_t ino = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t rdev = 0;
  TimestampRecord atime;
  TimestampRecord mtime;
  TimestampRecord ctime;
  TimestampRecord birthtime;
  int64_t size = 0;
  int64_t blocks = 0;
  int64_t blksize = 0;
  uint32_t flags = 0;
  uint32_t gen = 0;
};

struct FileRecord {
  std::string path;
  bool path_truncated = false;
  StatRecord stat;
};

struct ProcessRecord {
  AuditTokenRecord audit_token;
  int32_t ppid = 0;
  int32_t original_ppid = 0;
  int32_t group_id = 0;
  int32_t session_id = 0;
  uint32_t codesigning_flags = 0;
  bool is_platform_binary = false;
  bool is_es_client = false;
  std::array<uint8_t, 20> cdhash{};
  std::optional<std::string> signing_id;  // nullopt: empty in the message (eslogger: null)
  std::optional<std::string> team_id;
  FileRecord executable;

  bool has_tty = false;  // message version >= 2
  std::optional<FileRecord> tty;

  bool has_start_time = false;  // message version >= 3
  TimestampRecord start_time;   // microsecond resolution (a struct timeval)

  bool has_lineage_tokens = false;  // message version >= 4
  AuditTokenRecord responsible_audit_token;
  AuditTokenRecord parent_audit_token;

  std::optional<uint32_t> cs_validation_category;  // message version >= 10, macOS 26 SDK
};

struct ExecEventRecord {
  ProcessRecord target;
  std::vector<std::string> args;
  std::optional<std::vector<std::string>> env;  // copied only when the caller asked for it

  bool has_script = false;  // message version >= 2
  std::optional<FileRecord> script;

  std::optional<FileRecord> cwd;              // message version >= 3
  std::optional<int32_t> last_fd;             // message version >= 4
  std::optional<int32_t> image_cputype;       // message version >= 6
  std::optional<int32_t> image_cpusubtype;    // message version >= 6
  std::optional<std::string> dyld_exec_path;  // message version >= 7
};

struct ForkEventRecord {
  ProcessRecord child;
};

struct ExitEventRecord {
  int32_t stat = 0;
};

using EventRecord = std::variant<ExecEventRecord, ForkEventRecord, ExitEventRecord>;

struct EsMessageRecord {
  uint32_t version = 0;
  TimestampRecord time;
  uint64_t mach_time = 0;
  uint32_t event_type = 0;
  uint32_t action_type = 1;  // ES_ACTION_TYPE_NOTIFY
  int32_t result_type = 0;
  int32_t auth_result = 0;
  std::optional<uint64_t> seq_num;         // message version >= 2
  std::optional<uint64_t> global_seq_num;  // message version >= 4
  bool has_thread = false;                 // message version >= 4
  std::optional<uint64_t> thread_id;
  ProcessRecord process;
  EventRecord event;
};

}  // namespace execwatch

#endif  // EXECWATCH_NATIVE_ES_RECORD_H_
