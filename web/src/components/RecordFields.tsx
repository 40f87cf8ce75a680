import { Loader, SimpleGrid } from '@mantine/core'
import { useState } from 'react'
import { ApiError, errorText, fieldError } from '../api/api'
import type { Row } from '../api/types'
import { Cancelled } from '../lib/confirm'
import type { FieldDef } from '../lib/fields'
import { FieldInput } from './FieldInput'

export interface RecordFieldsProps {
  fields: FieldDef[]
  record: Row
  /** Saves one field (PATCH); a rejection shows its message at that field. */
  onSave(field: FieldDef, value: unknown): Promise<unknown>
  canEdit: boolean
  /** BC's enabling rules: whether a field may be edited now. */
  isEditable?(field: FieldDef, record: Row): boolean
  cols?: { base: number; sm?: number; lg?: number }
  size?: 'xs' | 'sm'
}

/** A card's fields, saved one at a time as the user leaves each (as a BC card does). */
export function RecordFields({ fields, record, onSave, canEdit, isEditable, cols, size }: RecordFieldsProps) {
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [saving, setSaving] = useState<string | null>(null)
  const save = async (fd: FieldDef, v: unknown) => {
    setSaving(fd.name)
    try {
      await onSave(fd, v)
      setErrors(({ [fd.name]: _, ...rest }) => rest)
    } catch (e) {
      if (e instanceof Cancelled) return
      const msg = e instanceof ApiError ? (fieldError(e, fd.name) ?? errorText(e)) : errorText(e)
      setErrors((old) => ({ ...old, [fd.name]: msg }))
    } finally {
      setSaving(null)
    }
  }
  return (
    <SimpleGrid
      cols={cols ?? { base: 1, sm: 2, lg: 3 }}
      spacing={size === 'xs' ? 'sm' : 'md'}
      verticalSpacing={size === 'xs' ? 6 : 'xs'}
    >
      {fields
        .filter((fd) => !fd.writeOnly)
        .map((fd) => {
          const editable = canEdit && !fd.readOnly && !fd.key && (isEditable?.(fd, record) ?? true)
          return (
            <FieldInput
              key={fd.name}
              size={size}
              field={fd.key ? { ...fd, readOnly: true } : fd}
              value={record[fd.name]}
              disabled={!editable}
              error={errors[fd.name]}
              description={saving === fd.name ? <Loader size={10} /> : undefined}
              onCommit={(v) => save(fd, v)}
              onRevert={() => errors[fd.name] && setErrors(({ [fd.name]: _, ...rest }) => rest)}
            />
          )
        })}
    </SimpleGrid>
  )
}
