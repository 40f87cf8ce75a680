import { Alert, Button, Group, SimpleGrid } from '@mantine/core'
import { type FormEvent, useState } from 'react'
import { ApiError, errorText, fieldError } from '../api/api'
import type { Row } from '../api/types'
import { Cancelled } from '../lib/confirm'
import type { FieldDef } from '../lib/fields'
import { FieldInput } from './FieldInput'

export interface RecordFormProps {
  fields: FieldDef[]
  initial?: Row
  submitLabel?: string
  onSubmit(values: Row): Promise<unknown>
  onCancel?(): void
  /** Descriptions under fields (e.g. "leave blank for the next number"). */
  hints?: Record<string, string>
  cols?: number
  /** Focus the first field (dialogs); off for forms inside a page. */
  autoFocus?: boolean
  /** Clear the form after a successful submit (add rows). */
  resetOnSubmit?: boolean
}

/** A form for a new record: Enter submits, errors appear at their fields, the rest above the buttons. */
export function RecordForm({
  fields,
  initial,
  submitLabel = 'Create',
  onSubmit,
  onCancel,
  hints,
  cols = 1,
  autoFocus = true,
  resetOnSubmit,
}: RecordFormProps) {
  const [values, setValues] = useState<Row>(initial ?? {})
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      // Blank optional fields are left out so the server fills its defaults (numbers, dates, salesperson).
      const body: Row = {}
      for (const [k, v] of Object.entries(values)) if (v !== '' && v !== undefined) body[k] = v
      await onSubmit(body)
      if (resetOnSubmit) setValues(initial ?? {})
    } catch (err) {
      if (!(err instanceof Cancelled)) setError(err)
    } finally {
      setBusy(false)
    }
  }
  const placed = (path: string) => fields.some((f) => path === f.name || path.endsWith(`.${f.name}`))
  const unplaced = error instanceof ApiError ? (error.problem.errors ?? []).filter((x) => !placed(x.path)) : []
  // A form of one field (add a mailing group): a rule's message belongs at that field.
  const visible = fields.filter((f) => !f.readOnly || f.key)
  const generalAtField = visible.length === 1 && !!error && !(error instanceof ApiError && error.problem.errors?.length)
  return (
    <form onSubmit={submit} noValidate>
      <SimpleGrid cols={{ base: 1, sm: cols }} spacing="md" verticalSpacing="xs">
        {visible.map((f, i) => (
          <FieldInput
            key={f.name}
            field={{ ...f, readOnly: false }}
            value={values[f.name] ?? (f.type === 'boolean' ? false : f.type === 'option' ? (f.options?.[0] ?? '') : '')}
            live
            autoFocus={autoFocus && i === 0}
            description={hints?.[f.name]}
            error={fieldError(error, f.name) ?? (generalAtField ? errorText(error) : undefined)}
            onCommit={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
      </SimpleGrid>
      {error &&
      !generalAtField &&
      (!(error instanceof ApiError) || !error.problem.errors?.length || unplaced.length > 0) ? (
        <Alert color="red" mt="md" role="alert">
          {errorText(error)}
        </Alert>
      ) : null}
      <Group justify="flex-end" mt="lg">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type="submit" loading={busy}>
          {submitLabel}
        </Button>
      </Group>
    </form>
  )
}
