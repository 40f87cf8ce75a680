import { Button, Group, Modal, Text } from '@mantine/core'
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from 'react'
import { ApiError } from '../api/api'

interface Ask {
  question: string
  title: string
  yes: string
  no: string
  /** BC's default button (its questions default to Yes except "reuse … criteria"). */
  defaultYes: boolean
}

type ConfirmFn = (question: string, opts?: Partial<Omit<Ask, 'question'>>) => Promise<boolean>
const ConfirmContext = createContext<ConfirmFn | null>(null)

/** Renders BC's confirmation questions as a dialog: Enter answers the default button, Esc answers No. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const [ask, setAsk] = useState<Ask | null>(null)
  const resolver = useRef<((v: boolean) => void) | null>(null)
  const confirm = useCallback<ConfirmFn>((question, opts) => {
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve
      setAsk({ question, title: 'Confirm', yes: 'Yes', no: 'No', defaultYes: true, ...opts })
    })
  }, [])
  const answer = (v: boolean) => {
    resolver.current?.(v)
    resolver.current = null
    setAsk(null)
  }
  return (
    <ConfirmContext.Provider value={confirm}>
      {children}
      <Modal opened={!!ask} onClose={() => answer(false)} title={ask?.title} centered zIndex={400}>
        {/* BC writes line breaks as backslashes in its question texts. */}
        <Text style={{ whiteSpace: 'pre-line' }} data-testid="confirm-question">
          {ask?.question.replace(/\\+/g, '\n')}
        </Text>
        <Group justify="flex-end" mt="lg">
          <Button
            variant={ask?.defaultYes ? 'default' : 'filled'}
            onClick={() => answer(false)}
            data-autofocus={!ask?.defaultYes || undefined}
          >
            {ask?.no}
          </Button>
          <Button
            variant={ask?.defaultYes ? 'filled' : 'default'}
            onClick={() => answer(true)}
            data-autofocus={ask?.defaultYes || undefined}
          >
            {ask?.yes}
          </Button>
        </Group>
      </Modal>
    </ConfirmContext.Provider>
  )
}

export function useConfirm(): ConfirmFn {
  const c = useContext(ConfirmContext)
  if (!c) throw new Error('useConfirm outside ConfirmProvider')
  return c
}

export class Cancelled extends Error {
  constructor() {
    super('Cancelled')
  }
}

export function isConfirmationRequired(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 409 && e.code === 'CONFIRMATION_REQUIRED'
}

/**
 * Runs an action; when the API answers 409 CONFIRMATION_REQUIRED, shows BC's question and runs it again
 * with the answer. `onNo: 'abort'` (for `confirm: true` actions) throws Cancelled on No; `'resend'` (for
 * `updateLines`) runs again with `false`.
 */
export function useConfirmed() {
  const confirm = useConfirm()
  return useCallback(
    async <T,>(
      run: (answer: boolean | undefined) => Promise<T>,
      opts: { onNo?: 'abort' | 'resend'; defaultYes?: boolean } = {},
    ): Promise<T> => {
      try {
        return await run(undefined)
      } catch (e) {
        if (!isConfirmationRequired(e)) throw e
        const yes = await confirm(e.problem.question || e.message, { defaultYes: opts.defaultYes ?? true })
        if (!yes && (opts.onNo ?? 'abort') === 'abort') throw new Cancelled()
        return run(yes)
      }
    },
    [confirm],
  )
}
