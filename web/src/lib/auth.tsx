import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useEffect } from 'react'
import { ApiError, get, onUnauthenticated, post } from '../api/api'
import type { Me, Role } from '../api/types'

interface AuthState {
  me: Me | null
  loading: boolean
  signIn(username: string, password: string): Promise<void>
  signOut(): Promise<void>
}

const AuthContext = createContext<AuthState | null>(null)
const RANK: Record<Role, number> = { viewer: 0, marketer: 1, admin: 2 }

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient()
  const meQuery = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await get<Me>('/api/users/me')
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null
        throw e
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  })
  useEffect(
    () =>
      onUnauthenticated(() => {
        qc.setQueryData(['me'], null)
      }),
    [qc],
  )
  // Another user must not see the previous one's cached data; the `me` query itself stays observed.
  const forgetData = () => qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' })
  const state: AuthState = {
    me: meQuery.data ?? null,
    loading: meQuery.isPending,
    async signIn(username, password) {
      const me = await post<Me>('/api/auth/login', { username, password })
      forgetData()
      qc.setQueryData(['me'], me)
    },
    async signOut() {
      try {
        await post('/api/auth/logout')
      } finally {
        forgetData()
        qc.setQueryData(['me'], null)
      }
    },
  }
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthState {
  const s = useContext(AuthContext)
  if (!s) throw new Error('useAuth outside AuthProvider')
  return s
}

/** Whether the signed-in user has at least `role` (write actions need marketer; users and tokens admin). */
export function useCan(role: Role): boolean {
  const { me } = useAuth()
  return !!me && RANK[me.role] >= RANK[role]
}
