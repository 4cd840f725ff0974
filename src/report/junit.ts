/**
 * `--junit FILE`: the run's checks as JUnit XML, one test case per check, which GitLab,
 * Jenkins, Azure Pipelines and Buildkite show as test results. A run without checks is one
 * suite with no test cases. Pure: the CLI writes it.
 */
import type { KlResult, RunInfo } from '../result.js';
import { describeCheck } from './wording.js';

/** XML text and attribute values: the five special characters escaped; characters XML 1.0 forbids (even as references) replaced by U+FFFD. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd');
}

export function renderJunit(result: Pick<KlResult, 'command' | 'checks'>, info: RunInfo): string {
  const failures = result.checks.filter((check) => !check.passed).length;
  const suite = `kl ${result.command}`;
  const cases = result.checks.map((check) => {
    const name = escapeXml(`${check.op} ${check.name}`);
    const line = escapeXml(describeCheck(check));
    const body = check.passed ? '' : `\n      <failure message="${line}" type="kl-check">${line}</failure>\n    `;
    return `    <testcase classname="${escapeXml(suite)}" name="${name}" time="0">${body}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kl" tests="${result.checks.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${escapeXml(suite)}" tests="${result.checks.length}" failures="${failures}" errors="0" skipped="0" timestamp="${escapeXml(info.generatedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    `      <property name="kl_version" value="${escapeXml(info.version)}"/>`,
    `      <property name="command_line" value="${escapeXml(info.commandLine)}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
