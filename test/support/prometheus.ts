import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// parse-prometheus-text-format ships no type declarations.

const parsePrometheusTextFormat: (text: string) => MetricFamily[] = require('parse-prometheus-text-format');

export interface MetricSample {
  value?: string;
  labels?: Record<string, string>;
  /** Histograms: cumulative count per upper bound (`le`), e.g. buckets['+Inf']. */
  buckets?: Record<string, string>;
}
export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: MetricSample[];
}

/** Parses a /metrics answer with a Prometheus text-format parser; throws on a malformed exposition. */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export function metricValue(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) return 0;
  return family.metrics
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))
    .reduce((sum, s) => sum + Number(s.value ?? 0), 0);
}

export async function scrape(url: string, token?: string): Promise<{ status: number; contentType: string | null; body: string }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
}

/**
 * `promtool check metrics` (an exposition on stdin) or `promtool check rules` (a rule file): its
 * problems (empty when clean), or null when promtool is not installed (CI installs it; elsewhere
 * the check is skipped with a message).
 */
export function promtoolCheck(what: 'metrics' | 'rules', text: string): Promise<string | null> {
  return new Promise((resolve) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-promtool-'));
    const file = path.join(dir, what === 'rules' ? 'rules.yml' : 'metrics.txt');
    writeFileSync(file, text);
    const command = what === 'rules' ? `promtool check rules "${file}"` : `promtool check metrics < "${file}"`;
    execFile('sh', ['-c', `command -v promtool >/dev/null || exit 127; ${command}`], (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if ((error as { code?: number } | null)?.code === 127) return resolve(null);
      const output = `${stdout}${stderr}`.trim();
      resolve(error ? output || `promtool failed: ${error.message}` : what === 'rules' ? '' : output);
    });
  });
}
