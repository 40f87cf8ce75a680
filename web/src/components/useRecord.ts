import { useQuery, useQueryClient } from '@tanstack/react-query'
import { get, patch } from '../api/api'

/** One record by its API path, with a one-field save that refreshes it and the lists of its collection. */
export function useRecord<T>(path: string, collection: string, enabled = true) {
  const qc = useQueryClient()
  const q = useQuery({ queryKey: ['record', path], queryFn: ({ signal }) => get<T>(path, undefined, signal), enabled })
  const save = async (body: Record<string, unknown>, query?: Record<string, string | boolean | undefined>) => {
    const updated = await patch<T>(path, body, query)
    qc.setQueryData(['record', path], updated)
    await qc.invalidateQueries({ queryKey: ['list', collection] })
    return updated
  }
  const refresh = () => qc.invalidateQueries({ queryKey: ['record', path] })
  return { ...q, save, refresh }
}
