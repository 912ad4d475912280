#include "message-copy.h"

#include <Availability.h>
#include <bsm/libbsm.h>

#include <algorithm>
#include <iterator>

namespace execwatch {
namespace {

// Message versions at which fields appeared (ESMessage.h).
constexpr uint32_t kVersionTtyScriptSeqNum = 2;
constexpr uint32_t kVersionStartTimeCwd = 3;
constexpr uint32_t kVersionLineageThreadGlobalSeq = 4;
constexpr uint32_t kVersionImageCpuType = 6;
constexpr uint32_t kVersionDyldExecPath = 7;
constexpr uint32_t kVersionCsValidationCategory = 10;

std::optional<std::string> CopyToken(const es_string_token_t& token) {
  if (token.data == nullptr || token.length == 0) return std::nullopt;
  return std::string(token.data, token.length);
}

AuditTokenRecord CopyAuditToken(const audit_token_t& token) {
  AuditTokenRecord record;
  record.auid = audit_token_to_auid(token);
  record.euid = audit_token_to_euid(token);
  record.egid = audit_token_to_egid(token);
  record.ruid = audit_token_to_ruid(token);
  record.rgid = audit_token_to_rgid(token);
  record.pid = audit_token_to_pid(token);
  record.asid = audit_token_to_asid(token);
  record.pidversion = audit_token_to_pidversion(token);
  return record;
}

TimestampRecord CopyTimespec(const struct timespec& time) {
  return TimestampRecord{static_cast<int64_t>(time.tv_sec), static_cast<int64_t>(time.tv_nsec)};
}

StatRecord CopyStat(const struct stat& stat) {
  StatRecord record;
  record.dev = stat.st_dev;
  record.mode = stat.st_mode;
  record.nlink = stat.st_nlink;
  record.ino = stat.st_ino;
  record.uid = stat.st_uid;
  record.gid = stat.st_gid;
  record.rdev = stat.st_rdev;
  record.atime = CopyTimespec(stat.st_atimespec);
  record.mtime = CopyTimespec(stat.st_mtimespec);
  record.ctime = CopyTimespec(stat.st_ctimespec);
  record.birthtime = CopyTimespec(stat.st_birthtimespec);
  record.size = stat.st_size;
  record.blocks = stat.st_blocks;
  record.blksize = stat.st_blksize;
  record.flags = stat.st_flags;
  record.gen = stat.st_gen;
  return record;
}

FileRecord CopyFile(const es_file_t& file) {
  FileRecord record;
  record.path = CopyToken(file.path).value_or(std::string());
  record.path_truncated = file.path_truncated;
  record.stat = CopyStat(file.stat);
  return record;
}

std::optional<FileRecord> CopyNullableFile(const es_file_t* file) {
  if (file == nullptr) return std::nullopt;
  return CopyFile(*file);
}

void CopyVersionedProcessFields(const es_process_t& process, uint32_t version,
                                ProcessRecord& record) {
  if (version >= kVersionTtyScriptSeqNum) {
    record.has_tty = true;
    record.tty = CopyNullableFile(process.tty);
  }

  if (version >= kVersionStartTimeCwd) {
    record.has_start_time = true;
    record.start_time = TimestampRecord{static_cast<int64_t>(process.start_time.tv_sec),
                                        static_cast<int64_t>(process.start_time.tv_usec) * 1000};
  }

  if (version >= kVersionLineageThreadGlobalSeq) {
    record.has_lineage_tokens = true;
    record.responsible_audit_token = CopyAuditToken(process.responsible_audit_token);
    record.parent_audit_token = CopyAuditToken(process.parent_audit_token);
  }

#if defined(__MAC_26_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_26_0
  if (version >= kVersionCsValidationCategory) {
    record.cs_validation_category = static_cast<uint32_t>(process.cs_validation_category);
  }
#else
  (void)kVersionCsValidationCategory;
#endif
}

ProcessRecord CopyProcess(const es_process_t& process, uint32_t version) {
  ProcessRecord record;
  record.audit_token = CopyAuditToken(process.audit_token);
  record.ppid = process.ppid;
  record.original_ppid = process.original_ppid;
  record.group_id = process.group_id;
  record.session_id = process.session_id;
  record.codesigning_flags = process.codesigning_flags;
  record.is_platform_binary = process.is_platform_binary;
  record.is_es_client = process.is_es_client;
  static_assert(sizeof(process.cdhash) == 20, "cdhash is 20 bytes in every SDK we support");
  std::copy(std::begin(process.cdhash), std::end(process.cdhash), record.cdhash.begin());
  record.signing_id = CopyToken(process.signing_id);
  record.team_id = CopyToken(process.team_id);
  record.executable = CopyFile(*process.executable);

  CopyVersionedProcessFields(process, version, record);
  return record;
}

// Arguments and environment share one shape in ES: a count and an accessor by index.
std::vector<std::string> CopyExecStrings(const es_event_exec_t& exec,
                                         uint32_t (*count_of)(const es_event_exec_t*),
                                         es_string_token_t (*item_at)(const es_event_exec_t*,
                                                                      uint32_t)) {
  const uint32_t count = count_of(&exec);
  std::vector<std::string> strings;
  strings.reserve(count);
  for (uint32_t index = 0; index < count; ++index) {
    strings.push_back(CopyToken(item_at(&exec, index)).value_or(std::string()));
  }
  return strings;
}

ExecEventRecord CopyExec(const es_event_exec_t& exec, uint32_t version,
                         const CopyOptions& options) {
  ExecEventRecord record;
  record.target = CopyProcess(*exec.target, version);
  record.args = CopyExecStrings(exec, es_exec_arg_count, es_exec_arg);
  if (options.includeEnv) record.env = CopyExecStrings(exec, es_exec_env_count, es_exec_env);

  if (version >= kVersionTtyScriptSeqNum) {
    record.has_script = true;
    record.script = CopyNullableFile(exec.script);
  }
  if (version >= kVersionStartTimeCwd && exec.cwd != nullptr) record.cwd = CopyFile(*exec.cwd);
  if (version >= kVersionLineageThreadGlobalSeq) record.last_fd = exec.last_fd;
  if (version >= kVersionImageCpuType) {
    record.image_cputype = exec.image_cputype;
    record.image_cpusubtype = exec.image_cpusubtype;
  }
  if (version >= kVersionDyldExecPath) {
    record.dyld_exec_path = CopyToken(exec.dyld_exec_path).value_or(std::string());
  }
  return record;
}

bool CopyEvent(const es_message_t& message, const CopyOptions& options, EventRecord& event) {
  switch (message.event_type) {
    case ES_EVENT_TYPE_NOTIFY_EXEC:
      event = CopyExec(message.event.exec, message.version, options);
      return true;
    case ES_EVENT_TYPE_NOTIFY_FORK:
      event = ForkEventRecord{CopyProcess(*message.event.fork.child, message.version)};
      return true;
    case ES_EVENT_TYPE_NOTIFY_EXIT:
      event = ExitEventRecord{message.event.exit.stat};
      return true;
    default:
      return false;
  }
}

}  // namespace

std::unique_ptr<EsMessageRecord> CopyMessage(const es_message_t& message,
                                             const CopyOptions& options) {
  auto record = std::make_unique<EsMessageRecord>();
  if (!CopyEvent(message, options, record->event)) return nullptr;

  record->version = message.version;
  record->time = CopyTimespec(message.time);
  record->mach_time = message.mach_time;
  record->event_type = static_cast<uint32_t>(message.event_type);
  record->action_type = static_cast<uint32_t>(message.action_type);
  if (message.action_type == ES_ACTION_TYPE_NOTIFY) {
    record->result_type = static_cast<int32_t>(message.action.notify.result_type);
    record->auth_result = static_cast<int32_t>(message.action.notify.result.auth);
  }
  record->process = CopyProcess(*message.process, message.version);

  if (message.version >= kVersionTtyScriptSeqNum) record->seq_num = message.seq_num;
  if (message.version >= kVersionLineageThreadGlobalSeq) {
    record->global_seq_num = message.global_seq_num;
    record->has_thread = true;
    if (message.thread != nullptr) record->thread_id = message.thread->thread_id;
  }
  return record;
}

}  // namespace execwatch
