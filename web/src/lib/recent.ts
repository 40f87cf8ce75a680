/** The segments this browser opened or changed last, for the home page ("last segments touched"). */
const KEY = 'segmenta.recentSegments'

export interface RecentSegment {
  no: string
  description: string
  at: string
}

export function recentSegments(): RecentSegment[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as RecentSegment[]
  } catch {
    return []
  }
}

export function touchSegment(no: string, description: string): void {
  const list = [
    { no, description, at: new Date().toISOString() },
    ...recentSegments().filter((s) => s.no !== no),
  ].slice(0, 8)
  localStorage.setItem(KEY, JSON.stringify(list))
}

export function forgetSegment(no: string): void {
  localStorage.setItem(KEY, JSON.stringify(recentSegments().filter((s) => s.no !== no)))
}
