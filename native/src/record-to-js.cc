#include "record-to-js.h"

#include <string>

#include "utc-time.h"

namespace execwatch {
namespace {

constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;
constexpr int kMessageTimeDigits = 9;
constexpr int kStatTimeDigits = 9;
constexpr int kStartTimeDigits = 6;

Napi::Value NullableString(Napi::Env env, const std::optional<std::string>& value) {
  if (!value.has_value()) return env.Null();
  return Napi::String::New(env, *value);
}

Napi::String HexUpper(Napi::Env env, const std::array<uint8_t, 20>& bytes) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0x0f];
  }
  return Napi::String::New(env, text);
}

Napi::Array StringArray(Napi::Env env, const std::vector<std::string>& values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (size_t index = 0; index < values.size(); ++index) {
    array.Set(static_cast<uint32_t>(index), Napi::String::New(env, values[index]));
  }
  return array;
}

Napi::Object ConvertAuditToken(Napi::Env env, const AuditTokenRecord& token) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("auid", Napi::Number::New(env, token.auid));
  object.Set("euid", Napi::Number::New(env, token.euid));
  object.Set("egid", Napi::Number::New(env, token.egid));
  object.Set("ruid", Napi::Number::New(env, token.ruid));
  object.Set("rgid", Napi::Number::New(env, token.rgid));
  object.Set("pid", Napi::Number::New(env, token.pid));
  object.Set("asid", Napi::Number::New(env, token.asid));
  object.Set("pidversion", Napi::Number::New(env, token.pidversion));
  return object;
}

Napi::String StatTime(Napi::Env env, const TimestampRecord& time) {
  return Napi::String::New(env, FormatUtcTimestamp(time, kStatTimeDigits));
}

Napi::Object ConvertStat(Napi::Env env, const StatRecord& stat) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("st_dev", ConvertSigned64(env, stat.dev));
  object.Set("st_mode", Napi::Number::New(env, stat.mode));
  object.Set("st_nlink", Napi::Number::New(env, stat.nlink));
  object.Set("st_ino", ConvertUnsigned64(env, stat.ino));
  object.Set("st_uid", Napi::Number::New(env, stat.uid));
  object.Set("st_gid", Napi::Number::New(env, stat.gid));
  object.Set("st_rdev", ConvertSigned64(env, stat.rdev));
  object.Set("st_atimespec", StatTime(env, stat.atime));
  object.Set("st_mtimespec", StatTime(env, stat.mtime));
  object.Set("st_ctimespec", StatTime(env, stat.ctime));
  object.Set("st_birthtimespec", StatTime(env, stat.birthtime));
  object.Set("st_size", ConvertSigned64(env, stat.size));
  object.Set("st_blocks", ConvertSigned64(env, stat.blocks));
  object.Set("st_blksize", ConvertSigned64(env, stat.blksize));
  object.Set("st_flags", Napi::Number::New(env, stat.flags));
  object.Set("st_gen", Napi::Number::New(env, stat.gen));
  return object;
}

Napi::Object ConvertFile(Napi::Env env, const FileRecord& file) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("path", Napi::String::New(env, file.path));
  object.Set("path_truncated", Napi::Boolean::New(env, file.path_truncated));
  object.Set("stat", ConvertStat(env, file.stat));
  return object;
}

Napi::Value ConvertOptionalFile(Napi::Env env, const std::optional<FileRecord>& file) {
  if (!file.has_value()) return env.Null();
  return ConvertFile(env, *file);
}

void SetVersionedProcessFields(Napi::Env env, const ProcessRecord& process, Napi::Object& object) {
  if (process.has_tty) object.Set("tty", ConvertOptionalFile(env, process.tty));

  if (process.has_start_time) {
    const std::string text = FormatUtcTimestamp(process.start_time, kStartTimeDigits);
    object.Set("start_time", Napi::String::New(env, text));
  }

  if (process.has_lineage_tokens) {
    object.Set("responsible_audit_token", ConvertAuditToken(env, process.responsible_audit_token));
    object.Set("parent_audit_token", ConvertAuditToken(env, process.parent_audit_token));
  }

  if (process.cs_validation_category.has_value()) {
    object.Set("cs_validation_category", Napi::Number::New(env, *process.cs_validation_category));
  }
}

Napi::Object ConvertProcess(Napi::Env env, const ProcessRecord& process) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("audit_token", ConvertAuditToken(env, process.audit_token));
  object.Set("ppid", Napi::Number::New(env, process.ppid));
  object.Set("original_ppid", Napi::Number::New(env, process.original_ppid));
  object.Set("group_id", Napi::Number::New(env, process.group_id));
  object.Set("session_id", Napi::Number::New(env, process.session_id));
  object.Set("codesigning_flags", Napi::Number::New(env, process.codesigning_flags));
  object.Set("is_platform_binary", Napi::Boolean::New(env, process.is_platform_binary));
  object.Set("is_es_client", Napi::Boolean::New(env, process.is_es_client));
  object.Set("cdhash", HexUpper(env, process.cdhash));
  object.Set("signing_id", NullableString(env, process.signing_id));
  object.Set("team_id", NullableString(env, process.team_id));
  object.Set("executable", ConvertFile(env, process.executable));

  SetVersionedProcessFields(env, process, object);
  return object;
}

Napi::Object ConvertExec(Napi::Env env, const ExecEventRecord& exec) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("target", ConvertProcess(env, exec.target));
  object.Set("args", StringArray(env, exec.args));
  if (exec.env.has_value()) object.Set("env", StringArray(env, *exec.env));

  if (exec.has_script) object.Set("script", ConvertOptionalFile(env, exec.script));
  if (exec.cwd.has_value()) object.Set("cwd", ConvertFile(env, *exec.cwd));
  if (exec.last_fd.has_value()) object.Set("last_fd", Napi::Number::New(env, *exec.last_fd));
  if (exec.image_cputype.has_value()) {
    object.Set("image_cputype", Napi::Number::New(env, *exec.image_cputype));
  }
  if (exec.image_cpusubtype.has_value()) {
    object.Set("image_cpusubtype", Napi::Number::New(env, *exec.image_cpusubtype));
  }
  if (exec.dyld_exec_path.has_value()) {
    object.Set("dyld_exec_path", Napi::String::New(env, *exec.dyld_exec_path));
  }
  return object;
}

// The event union as eslogger nests it: {"exec": {...}}, {"fork": {...}} or {"exit": {...}}.
Napi::Object ConvertEvent(Napi::Env env, const EventRecord& event) {
  Napi::Object wrapper = Napi::Object::New(env);

  if (const auto* exec = std::get_if<ExecEventRecord>(&event)) {
    wrapper.Set("exec", ConvertExec(env, *exec));
  } else if (const auto* fork = std::get_if<ForkEventRecord>(&event)) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("child", ConvertProcess(env, fork->child));
    wrapper.Set("fork", object);
  } else if (const auto* exit = std::get_if<ExitEventRecord>(&event)) {
    Napi::Object object = Napi::Object::New(env);
    object.Set("stat", Napi::Number::New(env, exit->stat));
    wrapper.Set("exit", object);
  }
  return wrapper;
}

// eslogger's `action` for a notify message: {"result": {"result_type": 0, "result": {"auth": 0}}}.
Napi::Object ConvertNotifyAction(Napi::Env env, const EsMessageRecord& record) {
  Napi::Object inner = Napi::Object::New(env);
  inner.Set("auth", Napi::Number::New(env, record.auth_result));

  Napi::Object result = Napi::Object::New(env);
  result.Set("result_type", Napi::Number::New(env, record.result_type));
  result.Set("result", inner);

  Napi::Object action = Napi::Object::New(env);
  action.Set("result", result);
  return action;
}

}  // namespace

Napi::Value ConvertUnsigned64(Napi::Env env, uint64_t value) {
  if (value <= kMaxSafeInteger) return Napi::Number::New(env, static_cast<double>(value));
  return Napi::String::New(env, std::to_string(value));
}

Napi::Value ConvertSigned64(Napi::Env env, int64_t value) {
  const bool isSafe = value <= static_cast<int64_t>(kMaxSafeInteger) &&
                      value >= -static_cast<int64_t>(kMaxSafeInteger);
  if (isSafe) return Napi::Number::New(env, static_cast<double>(value));
  return Napi::String::New(env, std::to_string(value));
}

Napi::Object ConvertMessageRecord(Napi::Env env, const EsMessageRecord& record) {
  Napi::Object message = Napi::Object::New(env);
  // eslogger's own output format number; our records follow that same format.
  message.Set("schema_version", Napi::Number::New(env, 1));
  message.Set("version", Napi::Number::New(env, record.version));
  message.Set("time", Napi::String::New(env, FormatUtcTimestamp(record.time, kMessageTimeDigits)));
  message.Set("mach_time", ConvertUnsigned64(env, record.mach_time));
  message.Set("event_type", Napi::Number::New(env, record.event_type));
  message.Set("action_type", Napi::Number::New(env, record.action_type));
  message.Set("action", ConvertNotifyAction(env, record));

  if (record.seq_num.has_value()) message.Set("seq_num", ConvertUnsigned64(env, *record.seq_num));
  if (record.global_seq_num.has_value()) {
    message.Set("global_seq_num", ConvertUnsigned64(env, *record.global_seq_num));
  }
  if (record.has_thread) {
    Napi::Value thread = env.Null();
    if (record.thread_id.has_value()) {
      Napi::Object object = Napi::Object::New(env);
      object.Set("thread_id", ConvertUnsigned64(env, *record.thread_id));
      thread = object;
    }
    message.Set("thread", thread);
  }

  message.Set("process", ConvertProcess(env, record.process));
  message.Set("event", ConvertEvent(env, record.event));
  return message;
}

}  // namespace execwatch
