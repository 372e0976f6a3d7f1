/**
 * Human-readable log lines or JSON lines. LOG_PRETTY decides when set; otherwise a person at a
 * terminal in development reads lines, and everything else (files, pipes, containers, collectors)
 * gets JSON.
 */
export function wantsPrettyLogs(setting: boolean | undefined, nodeEnv: string, stdoutIsTty: boolean): boolean {
  return setting ?? (nodeEnv === 'development' && stdoutIsTty);
}
