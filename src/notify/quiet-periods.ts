/**
 * Quiet periods: local times of day ("22:00"–"07:00") during which nothing is shown. A period
 * whose end is before its start spans midnight. Equal start and end means the whole day.
 */

export interface QuietPeriod {
  start: string;
  end: string;
}

const MINUTES_PER_DAY = 24 * 60;

/** How long until every quiet period covering `now` has ended; 0 when none covers it. */
export function msUntilQuietEnds(periods: readonly QuietPeriod[], now: Date): number {
  const minuteOfDay = now.getHours() * 60 + now.getMinutes();
  const intoMinuteMs = now.getSeconds() * 1000 + now.getMilliseconds();
  let longestMinutes = 0;

  for (const period of periods) {
    const remaining = minutesLeftIn(period, minuteOfDay);
    if (remaining > longestMinutes) longestMinutes = remaining;
  }
  return longestMinutes === 0 ? 0 : longestMinutes * 60_000 - intoMinuteMs;
}

/** Minutes from `minuteOfDay` to the end of the period, or 0 when outside it. */
function minutesLeftIn(period: QuietPeriod, minuteOfDay: number): number {
  const start = parseClockTime(period.start);
  const end = parseClockTime(period.end);
  const length = (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY || MINUTES_PER_DAY;
  const sinceStart = (minuteOfDay - start + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return sinceStart < length ? length - sinceStart : 0;
}

function parseClockTime(text: string): number {
  const [hours, minutes] = text.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}
