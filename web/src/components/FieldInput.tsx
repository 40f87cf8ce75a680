import { Checkbox, NativeSelect, Textarea, TextInput } from '@mantine/core'
import { type KeyboardEvent, type ReactNode, useEffect, useState } from 'react'
import { display, type FieldDef } from '../lib/fields'
import { LookupInput } from './LookupInput'

export interface FieldInputProps {
  field: FieldDef
  value: unknown
  /** Autosave cards: called on blur / Enter / pick with the changed value. Forms: called on every change (`live`). */
  onCommit(v: unknown): void
  live?: boolean
  error?: ReactNode
  disabled?: boolean
  /** Show the label (false in table cells, which use aria-label). */
  withLabel?: boolean
  autoFocus?: boolean
  description?: ReactNode
  onEscape?(): void
  /** The user left the field with the stored value back in it (clears a shown error). */
  onRevert?(): void
  size?: 'xs' | 'sm'
}

const toText = (v: unknown) => (v === null || v === undefined ? '' : String(v))

function parse(field: FieldDef, text: string): unknown {
  switch (field.type) {
    case 'number':
    case 'integer': {
      const t = text.trim().replace(',', '.')
      if (t === '') return 0
      const n = Number(t)
      return Number.isFinite(n) ? n : text
    }
    case 'date':
      return text === '' ? null : text
    default:
      return text
  }
}

/** One input for one field, in the control that fits its type; commits the way BC does (on leaving the field). */
export function FieldInput({
  field,
  value,
  onCommit,
  live,
  error,
  disabled,
  withLabel = true,
  autoFocus,
  description,
  onEscape,
  onRevert,
  size = 'sm',
}: FieldInputProps) {
  const [draft, setDraft] = useState(toText(value))
  useEffect(() => setDraft(toText(value)), [value])
  const label = withLabel ? field.label : undefined
  const aria = withLabel ? undefined : field.label
  const readOnly = disabled || field.readOnly
  const commitText = (text: string) => {
    const v = parse(field, text)
    if (live || toText(v) !== toText(value)) onCommit(v)
    else onRevert?.()
  }
  const keys = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !live) {
      commitText(e.currentTarget.value)
      e.preventDefault()
    } else if (e.key === 'Escape' && !live) {
      setDraft(toText(value))
      onRevert?.()
      onEscape?.()
    }
  }
  if (field.type === 'boolean')
    return (
      <Checkbox
        size={size}
        label={label}
        aria-label={aria}
        name={field.name}
        checked={!!value}
        disabled={readOnly}
        error={error}
        description={description}
        onChange={(e) => onCommit(e.currentTarget.checked)}
        mt={withLabel ? (size === 'xs' ? 'md' : 'lg') : 0}
        autoFocus={autoFocus}
      />
    )
  if (field.type === 'option')
    return (
      <NativeSelect
        size={size}
        label={label}
        aria-label={aria}
        name={field.name}
        value={toText(value)}
        data={(field.options ?? []).map((o) => ({ value: o, label: o === '' ? ' ' : o }))}
        disabled={readOnly}
        error={error}
        description={description}
        onChange={(e) => onCommit(e.currentTarget.value)}
        autoFocus={autoFocus}
      />
    )
  if (field.lookup && !readOnly)
    return (
      <LookupInput
        size={size}
        path={field.lookup}
        name={field.name}
        label={label}
        aria-label={aria}
        value={draft}
        error={error}
        autoFocus={autoFocus}
        onChange={(v) => {
          setDraft(v)
          if (live) onCommit(v)
        }}
        onCommit={(v) => commitText(v)}
        onBlur={(e) => !live && commitText(e.currentTarget.value)}
        onKeyDown={keys}
      />
    )
  if (field.multiline)
    return (
      <Textarea
        size={size}
        label={label}
        aria-label={aria}
        name={field.name}
        value={draft}
        readOnly={readOnly}
        error={error}
        description={description}
        autosize
        minRows={4}
        maxRows={16}
        onChange={(e) => {
          setDraft(e.currentTarget.value)
          if (live) onCommit(e.currentTarget.value)
        }}
        onBlur={(e) => !live && !readOnly && commitText(e.currentTarget.value)}
      />
    )
  return (
    <TextInput
      size={size}
      label={label}
      aria-label={aria}
      name={field.name}
      type={field.type === 'date' ? 'date' : field.secret ? 'password' : 'text'}
      inputMode={field.type === 'number' || field.type === 'integer' ? 'decimal' : undefined}
      value={readOnly ? display(field, value) : draft}
      readOnly={readOnly}
      variant={readOnly ? 'filled' : 'default'}
      error={error}
      description={description}
      autoFocus={autoFocus}
      autoComplete={field.secret ? 'new-password' : 'off'}
      styles={field.type === 'code' ? { input: { textTransform: 'uppercase' } } : undefined}
      onChange={(e) => {
        setDraft(e.currentTarget.value)
        if (live) onCommit(parse(field, e.currentTarget.value))
      }}
      onBlur={(e) => !live && !readOnly && commitText(e.currentTarget.value)}
      onKeyDown={keys}
    />
  )
}
