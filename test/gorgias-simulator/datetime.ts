/**
 * 2026-01-02T03:04:05.678312+00:00: what the API returns (microseconds, explicit UTC offset). The
 * simulator keeps time in ms; the microsecond digits are derived from the ms value, so one instant always
 * prints the same and the text sorts like the time.
 */
export function gorgiasDatetime(ms: number): string {
  const micros = String((Math.imul(ms % 1_000_003, 2_654_435_761) >>> 0) % 1000).padStart(3, '0');
  return new Date(ms).toISOString().replace('Z', `${micros}+00:00`);
}
