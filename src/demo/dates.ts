/** 'YYYY-MM-DD' of today in UTC, as the rest of the product dates things. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10)

/** The date `days` after (or, negative, before) a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
