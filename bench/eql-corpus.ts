/**
 * A synthetic but realistic workload for the EQL benchmark: detection rules shaped like
 * Elastic's macOS and Linux process rules (names, arguments, parents, code signatures,
 * wildcards, `in` lists, `:` lists, a few functions and regexes, and sequences by entity id with
 * maxspan), and a stream of pre-parsed ECS process events in which most events match nothing,
 * as on a real host.
 *
 * Everything is generated from templates with a seeded generator, so runs are comparable.
 */

/** A small deterministic PRNG (mulberry32), so the corpus is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUSPECT_TOOLS = [
  'mount_smbfs',
  'osascript',
  'security',
  'curl',
  'wget',
  'nscurl',
  'python3',
  'perl',
  'ruby',
  'openssl',
  'base64',
  'xattr',
  'chmod',
  'launchctl',
  'defaults',
  'plutil',
  'sqlite3',
  'dscl',
  'systemsetup',
  'spctl',
  'csrutil',
  'tccutil',
  'kextload',
  'codesign',
  'hdiutil',
  'installer',
  'pkgutil',
  'screencapture',
  'pbpaste',
  'networksetup',
  'scutil',
  'sudo',
  'crontab',
  'at',
  'nohup',
  'nc',
  'ncat',
  'socat',
  'ssh',
  'scp',
  'sftp',
  'tar',
  'zip',
  'ditto',
  'mdfind',
  'kill',
  'pkill',
  'killall',
  'dd',
  'shred',
  'srm',
  'chflags',
  'chown',
  'useradd',
  'usermod',
  'passwd',
  'iptables',
  'systemctl',
  'insmod',
  'modprobe',
];

const SHELLS = ['sh', 'bash', 'zsh', 'dash', 'tcsh', 'ksh'];
const INTERPRETERS = ['python', 'python3', 'perl', 'ruby', 'node', 'osascript', 'php'];
const BENIGN = [
  'ls',
  'cat',
  'grep',
  'sed',
  'awk',
  'git',
  'make',
  'clang',
  'cc',
  'ld',
  'Xcode',
  'Safari',
  'Google Chrome Helper',
  'mdworker_shared',
  'mds_stores',
  'softwareupdated',
  'cloudd',
  'bird',
  'trustd',
  'syspolicyd',
  'xpcproxy',
  'login',
  'Terminal',
  'iTerm2',
  'node',
  'npm',
  'brew',
  'java',
  'docker',
  'containerd',
  'kubectl',
  'vim',
  'less',
  'head',
  'tail',
  'sort',
  'uniq',
  'wc',
  'find',
  'xargs',
  'env',
  'date',
  'uname',
  'sw_vers',
  'id',
  'whoami',
  'ps',
  'top',
  'open',
];
const PARENTS = [
  'launchd',
  'bash',
  'zsh',
  'sh',
  'Terminal',
  'iTerm2',
  'python3',
  'node',
  'cron',
  'sshd',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function quoteList(items: readonly string[]): string {
  return `(${items.map((item) => JSON.stringify(item)).join(', ')})`;
}

/** The rule templates; each takes a tool name and the generator. */
const EVENT_TEMPLATES: ((tool: string, random: () => number) => string)[] = [
  (tool) =>
    `process where event.type == "start" and process.name : ${JSON.stringify(tool)} and ` +
    `process.args : ("-*", "*://*") and ` +
    `not process.parent.executable : ("/usr/libexec/*", "/System/*")`,
  (tool, random) => {
    const names = quoteList([tool, pick(random, SUSPECT_TOOLS), pick(random, SUSPECT_TOOLS)]);
    return (
      `process where event.type in ("start", "process_started") and ` +
      `process.name in ${names} and ` +
      `process.args_count >= 2 and not process.code_signature.trusted == true`
    );
  },
  (tool) =>
    `process where event.action == "exec" and process.name : ${quoteList(SHELLS)} and ` +
    `process.args : "-c" and process.command_line : ("*${tool}*|*sh*", "*${tool}*base64 -d*")`,
  (tool) =>
    `process where process.name : ${JSON.stringify(tool)} and ` +
    `process.parent.name : ${quoteList(['launchd', 'cron'])} and ` +
    `process.executable : ("/Users/*/Library/*", "/tmp/*", "/private/var/folders/*")`,
  (tool) =>
    `process where process.name == ${JSON.stringify(tool)} and process.args : ("-e", "-l") and ` +
    `stringContains~(process.command_line, "password")`,
  (tool, random) => {
    const target = pick(random, ['keychain', 'login', 'Safari', 'Cookies']);
    return (
      `process where event.type == "start" and process.name : ${JSON.stringify(tool)} and ` +
      `process.args : ${quoteList([`*${target}*`, 'dump-*', 'find-*'])}`
    );
  },
  (tool) =>
    `process where process.name : ${quoteList(INTERPRETERS)} and ` +
    `process.parent.name : ${JSON.stringify(tool)} and ` +
    `process.command_line regex~ ".*(socket|subprocess|exec)\\\\(.*"`,
  (tool) =>
    `process where startsWith~(process.executable, "/Volumes/") and ` +
    `process.name : ${JSON.stringify(`${tool}*`)} and ` +
    `not process.code_signature.signing_id : ("com.apple.*", "com.google.*")`,
  (tool) =>
    `process where process.parent.name : ${JSON.stringify(tool)} and ` +
    `process.name : ${quoteList(SHELLS)} and ` +
    `process.args like~ ("*/dev/tcp/*", "*mkfifo*", "*nc -e*")`,
  (tool, random) =>
    `process where event.type == "start" and process.name == ${JSON.stringify(tool)} and ` +
    `length(process.command_line) > ${20 + Math.floor(random() * 200)} and process.user.id == 0`,
  (tool) =>
    `process where process.name : ${JSON.stringify(tool)} and ` +
    `process.args : ("*.plist", "*LaunchAgents*") and ` +
    `not process.parent.name in ("installer", "softwareupdated", "Installer")`,
];

const SEQUENCE_TEMPLATES: ((tool: string, random: () => number) => string)[] = [
  (tool) =>
    `sequence by process.entity_id with maxspan=1m ` +
    `[process where event.type == "start" and process.name : ${JSON.stringify(tool)} and ` +
    `process.args : ("-o", "--output")] ` +
    `[process where process.name : "chmod" and process.args : ("+x", "755", "777")]`,
  (tool) =>
    `sequence by process.parent.entity_id with maxspan=30s ` +
    `[process where process.name : ${quoteList(SHELLS)} and process.args : "-c"] ` +
    `[process where process.name : ${JSON.stringify(tool)}]`,
];

export interface BenchRules {
  eventRules: string[];
  sequenceRules: string[];
}

/** `eventCount` event rules and `sequenceCount` sequence rules, deterministic. */
export function generateRules(eventCount: number, sequenceCount: number): BenchRules {
  const random = seededRandom(7);
  const eventRules: string[] = [];
  for (let index = 0; index < eventCount; index++) {
    const template = EVENT_TEMPLATES[index % EVENT_TEMPLATES.length];
    eventRules.push(template?.(SUSPECT_TOOLS[index % SUSPECT_TOOLS.length] ?? 'x', random) ?? '');
  }
  const sequenceRules: string[] = [];
  for (let index = 0; index < sequenceCount; index++) {
    const template = SEQUENCE_TEMPLATES[index % SEQUENCE_TEMPLATES.length];
    const tool = index === 0 ? 'curl' : pick(random, SUSPECT_TOOLS);
    sequenceRules.push(template?.(tool, random) ?? '');
  }
  return { eventRules, sequenceRules };
}

/**
 * `count` nested ECS process exec events, one second apart: mostly benign tools, one in ten a
 * tool the rules watch, with arguments, parents, code signatures and entity ids. Every 250th
 * event starts a download-then-chmod pair on one entity, which the first sequence rule finds.
 */
export function generateEvents(count: number): Record<string, unknown>[] {
  const random = seededRandom(11);
  const startMs = Date.parse('2026-03-01T00:00:00Z');
  const events: Record<string, unknown>[] = [];

  for (let index = 0; index < count; index++) {
    const suspicious = random() < 0.1;
    let name = suspicious ? pick(random, SUSPECT_TOOLS) : pick(random, BENIGN);
    const parent = pick(random, PARENTS);
    const args = [name, pick(random, ['-c', '-o', '-e', '-l', '--help', 'file.txt', '+x'])];
    if (random() < 0.3)
      args.push(pick(random, ['https://example.test/x', '/tmp/a.plist', 'dump-keychain']));
    let entityId = `e-${index % 500}`;
    if (index % 250 < 2) {
      name = index % 250 === 0 ? 'curl' : 'chmod';
      args.splice(0, args.length, name, index % 250 === 0 ? '-o' : '+x', '/tmp/payload');
      entityId = `pair-${index - (index % 250)}`;
    }

    events.push({
      '@timestamp': new Date(startMs + index * 1000).toISOString(),
      event: { category: ['process'], type: ['start'], action: 'exec', kind: 'event' },
      host: { os: { type: 'macos' }, name: 'bench-mac' },
      process: {
        name,
        executable: `/usr/bin/${name}`,
        args,
        args_count: args.length,
        command_line: args.join(' '),
        pid: 1000 + index,
        entity_id: entityId,
        user: { id: random() < 0.2 ? 0 : 501 },
        code_signature: { trusted: random() < 0.8, signing_id: `com.apple.${name}` },
        parent: {
          name: parent,
          executable: `/bin/${parent}`,
          entity_id: `e-${(index + 1) % 500}`,
        },
      },
    });
  }
  return events;
}
