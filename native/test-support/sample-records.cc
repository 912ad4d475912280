#include "sample-records.h"

#include <cstdlib>

namespace execwatch {
namespace testing {
namespace {

std::array<uint8_t, 20> CdHash(const char* hex) {
  std::array<uint8_t, 20> bytes{};
  for (size_t index = 0; index < bytes.size(); ++index) {
    const char pair[3] = {hex[2 * index], hex[2 * index + 1], '\0'};
    bytes[index] = static_cast<uint8_t>(std::strtoul(pair, nullptr, 16));
  }
  return bytes;
}

FileRecord File(const char* path, const StatRecord& stat) {
  FileRecord file;
  file.path = path;
  file.stat = stat;
  return file;
}

// The tty both processes of the exec sample share: /dev/ttys003.
FileRecord SampleTty() {
  return File("/dev/ttys003",
              StatRecord{1333267060, 8592, 1, 1223u, 501, 4, 268435459,
                         TimestampRecord{1754572895, 874434000},
                         TimestampRecord{1754572895, 878404000},
                         TimestampRecord{1754572895, 878404000}, TimestampRecord{0, 0}, 0, 0,
                         65536, 0, 0});
}

ProcessRecord ExecSampleShell() {
  ProcessRecord process;
  process.audit_token = AuditTokenRecord{501u, 501, 20, 501, 20, 97391, 100019, 149091};
  process.ppid = 58916;
  process.original_ppid = 58916;
  process.group_id = 97391;
  process.session_id = 58916;
  process.codesigning_flags = 570556931;
  process.cdhash = CdHash("28CD2C759132B07D63C3A2B377AD440A6C66098E");
  process.signing_id = "nu-b9fb5b9dbba2e494";
  process.executable =
      File("/bin/nu", StatRecord{16777234, 33133, 1, 13982224u, 501, 80, 0,
                                 TimestampRecord{1754569955, 400606076},
                                 TimestampRecord{1745969505, 0},
                                 TimestampRecord{1746791852, 842789602},
                                 TimestampRecord{1745969505, 0}, 38146864, 74512, 4096, 0, 0});
  process.has_tty = true;
  process.tty = SampleTty();
  process.has_start_time = true;
  process.start_time = TimestampRecord{1754572895, 877422000};
  process.has_lineage_tokens = true;
  process.responsible_audit_token = AuditTokenRecord{501u, 501, 20, 501, 20, 938, 100019, 2424};
  process.parent_audit_token = AuditTokenRecord{501u, 501, 20, 501, 20, 58916, 100019, 87724};
  return process;
}

ProcessRecord ExecSampleTarget() {
  ProcessRecord target = ExecSampleShell();
  target.audit_token.pidversion = 149092;
  target.cdhash = CdHash("33F0A3D85BEA260FED5CAD0529AB0E84EC9A0DF1");
  target.signing_id = "connection_checker-04fde7bdb8bceee3";
  target.executable = File(
      "/bin/connection-checker",
      StatRecord{16777234, 33261, 1, 14784254u, 501, 20, 0, TimestampRecord{1754572895, 888621297},
                 TimestampRecord{1747061224, 107254919}, TimestampRecord{1747061224, 129389008},
                 TimestampRecord{1747061224, 106815000}, 5087360, 9944, 4096, 0, 0});
  return target;
}

ProcessRecord ExitSampleProcess() {
  ProcessRecord process;
  process.audit_token = AuditTokenRecord{4294967295u, 0, 0, 0, 0, 11221, 100017, 170692};
  process.ppid = 532;
  process.original_ppid = 532;
  process.group_id = 532;
  process.session_id = 532;
  process.codesigning_flags = 637623057;
  process.is_platform_binary = true;
  process.cdhash = CdHash("F988105881118CD77EF87293D97DECE8E193FA98");
  process.signing_id = "com.apple.ipconfig";
  process.executable = File(
      "/usr/sbin/ipconfig",
      StatRecord{16777234, 33261, 1, 1152921500312525701u, 0, 0, 0, TimestampRecord{1752042434, 0},
                 TimestampRecord{1752042434, 0}, TimestampRecord{1752042434, 0},
                 TimestampRecord{1752042434, 0}, 259504, 152, 4096, 524320, 0});
  process.has_tty = true;
  process.has_start_time = true;
  process.start_time = TimestampRecord{1754579589, 798115000};
  process.has_lineage_tokens = true;
  process.responsible_audit_token = AuditTokenRecord{4294967295u, 0, 0, 0, 0, 532, 100017, 1294};
  process.parent_audit_token = AuditTokenRecord{4294967295u, 0, 0, 0, 0, 532, 100017, 1294};
  return process;
}

std::unique_ptr<EsMessageRecord> NotifyMessage(uint32_t eventType) {
  auto message = std::make_unique<EsMessageRecord>();
  message->version = 9;
  message->event_type = eventType;
  message->has_thread = true;
  return message;
}

}  // namespace

std::unique_ptr<EsMessageRecord> SampleV9Exec(bool withEnv) {
  auto message = NotifyMessage(kEventTypeNotifyExec);
  message->time = TimestampRecord{1754572895, 880814738};
  message->mach_time = 289350913517;
  message->seq_num = 27;
  message->global_seq_num = 75;
  message->thread_id = 505819;
  message->process = ExecSampleShell();

  ExecEventRecord exec;
  exec.target = ExecSampleTarget();
  exec.args = {"/bin/connection-checker"};
  if (withEnv) exec.env = std::vector<std::string>{"FOO=bar"};
  exec.has_script = true;
  exec.cwd = File("/bin/mullvadvpn-app",
                  StatRecord{16777234, 16877, 82, 539935u, 501, 20, 0,
                             TimestampRecord{1754570184, 414321469},
                             TimestampRecord{1754570184, 368103159},
                             TimestampRecord{1754570184, 368103159},
                             TimestampRecord{1727273073, 178667447}, 2624, 0, 4096, 0, 0});
  exec.last_fd = 9;
  exec.image_cputype = 16777228;
  exec.image_cpusubtype = 0;
  exec.dyld_exec_path = "/bin/connection-checker";
  message->event = std::move(exec);
  return message;
}

std::unique_ptr<EsMessageRecord> SampleV9Exit() {
  auto message = NotifyMessage(kEventTypeNotifyExit);
  message->time = TimestampRecord{1754579589, 811587464};
  message->mach_time = 401374797834;
  message->seq_num = 362;
  message->global_seq_num = 1103;
  message->thread_id = 622243;
  message->process = ExitSampleProcess();
  message->event = ExitEventRecord{0};
  return message;
}

std::unique_ptr<EsMessageRecord> SampleV9Fork() {
  auto message = NotifyMessage(kEventTypeNotifyFork);
  message->time = TimestampRecord{1754579589, 790000000};
  message->mach_time = 401374700000;
  message->seq_num = 40;
  message->global_seq_num = 1102;
  message->thread_id = 622240;
  message->process = ExitSampleProcess();
  message->process.audit_token.pid = 532;
  message->process.audit_token.pidversion = 1294;

  ForkEventRecord fork;
  fork.child = ExitSampleProcess();
  message->event = std::move(fork);
  return message;
}

std::unique_ptr<EsMessageRecord> SampleByName(const std::string& name, bool withEnv) {
  if (name == "exec") return SampleV9Exec(withEnv);
  if (name == "exit") return SampleV9Exit();
  if (name == "fork") return SampleV9Fork();
  return nullptr;
}

}  // namespace testing
}  // namespace execwatch
