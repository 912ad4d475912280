/**
 * JUnit XML for `rules test --junit FILE`, in the shape CI systems (Jenkins, GitLab, GitHub
 * reporters) read: one `<testsuite>` per test file, one `<testcase>` per case, `<failure>` for
 * a wrong outcome and `<error>` for a case or file that could not run. Times are in seconds.
 *
 * All text goes through `escapeXml`, and characters XML 1.0 cannot carry at all (most C0
 * controls, lone surrogates) are replaced by U+FFFD, so any rule name or message yields a
 * well-formed document.
 */
import type { RuleTestSummary, TestFileResult } from './rule-test-runner.js';

/** The JUnit XML document of a test run. */
export function formatJunitXml(
  summary: RuleTestSummary,
  suiteName = 'execwatch rules test',
): string {
  const cases = summary.files.flatMap((file) => file.cases);
  const seconds = summary.files.reduce((total, file) => total + file.durationMs, 0) / 1000;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${cases.length}" ` +
      `failures="${summary.failed}" errors="${summary.errors}" time="${seconds.toFixed(3)}">`,
    ...summary.files.flatMap(formatSuite),
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
}

function formatSuite(file: TestFileResult): string[] {
  const failures = file.cases.filter((c) => c.status === 'failed').length;
  const errors = file.cases.filter((c) => c.status === 'error').length + (file.error ? 1 : 0);
  const name = escapeXml(file.file);
  const lines = [
    `  <testsuite name="${name}" tests="${file.cases.length}" failures="${failures}" ` +
      `errors="${errors}" time="${(file.durationMs / 1000).toFixed(3)}">`,
  ];

  if (file.error !== null) {
    lines.push(`    <testcase classname="${name}" name="load test file" time="0.000">`);
    lines.push(`      <error message="${escapeXml(file.error)}"/>`);
    lines.push('    </testcase>');
  }
  for (const result of file.cases) {
    const seconds = (result.durationMs / 1000).toFixed(3);
    const caseName = escapeXml(result.name);
    const open = `    <testcase classname="${name}" name="${caseName}" time="${seconds}"`;
    if (result.status === 'passed') {
      lines.push(`${open}/>`);
      continue;
    }
    const tag = result.status === 'failed' ? 'failure' : 'error';
    const message = escapeXml(result.messages[0] ?? result.status);
    lines.push(`${open}>`);
    lines.push(
      `      <${tag} message="${message}">${escapeXml(result.messages.join('\n'))}</${tag}>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

/** Text safe inside XML attributes and elements. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
