import { Notification, Stack } from '@mantine/core'
import { useSyncExternalStore } from 'react'

/** A few transient messages in a corner ("Segment SM00001 has been logged."); errors stay at their fields. */
interface Note {
  id: number
  message: string
  color: string
}
let notes: Note[] = []
let seq = 0
const listeners = new Set<() => void>()
const emit = () => {
  for (const l of listeners) l()
}

export function notify(message: string, color: 'green' | 'red' | 'blue' | 'yellow' = 'green'): void {
  const id = ++seq
  notes = [...notes, { id, message, color }].slice(-3)
  emit()
  setTimeout(() => dismiss(id), color === 'red' ? 9000 : 5000)
}

function dismiss(id: number) {
  notes = notes.filter((n) => n.id !== id)
  emit()
}

export function Notifications() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => notes,
  )
  return (
    <Stack
      gap="xs"
      pos="fixed"
      bottom={16}
      right={16}
      style={{ zIndex: 1000, maxWidth: 420 }}
      role="status"
      aria-live="polite"
    >
      {list.map((n) => (
        <Notification
          key={n.id}
          color={n.color}
          onClose={() => dismiss(n.id)}
          withBorder
          py={6}
          closeButtonProps={{ 'aria-label': 'Dismiss' }}
        >
          {n.message}
        </Notification>
      ))}
    </Stack>
  )
}
