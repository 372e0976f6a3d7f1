/** 2026-01-02T03:04:05.678000+00:00: what the API returns (microseconds, explicit UTC offset). */
export function gorgiasDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}
