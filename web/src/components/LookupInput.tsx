import { Autocomplete, Group, Text } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import type { FocusEvent, KeyboardEvent, ReactNode } from 'react'
import { list } from '../api/api'
import type { Row } from '../api/types'
import { lookupFields } from '../lib/resources'

export interface LookupInputProps {
  /** API collection to look values up in. */
  path: string
  value: string
  onChange(v: string): void
  /** Called when the user picks an option (or leaves the field). */
  onCommit?(v: string): void
  label?: ReactNode
  error?: ReactNode
  disabled?: boolean
  placeholder?: string
  autoFocus?: boolean
  onKeyDown?(e: KeyboardEvent<HTMLInputElement>): void
  onBlur?(e: FocusEvent<HTMLInputElement>): void
  name?: string
  'aria-label'?: string
  size?: 'xs' | 'sm' | 'md'
  /** Also search this field (contacts: by name as well as number). */
  searchLabel?: boolean
}

/** Quote a typed text for a BC filter: everything the user types is literal except our trailing *. */
const literal = (s: string) => s.replace(/[()|&.<>=@*?']/g, '?')

/**
 * A code field with BC-style lookup: type a code or part of a description, pick from the
 * server's first matches (never the whole table).
 */
export function LookupInput(props: LookupInputProps) {
  const { key, label } = lookupFields(props.path)
  const [search] = useDebouncedValue(props.value.trim(), 250)
  const byLabel = props.searchLabel || props.path !== '/api/contacts'
  const q = useQuery({
    queryKey: ['lookup', props.path, search],
    queryFn: async ({ signal }) => {
      const filters: Record<string, string> = search ? { [key]: `@${literal(search)}*` } : {}
      const page = await list<Row>(props.path, { limit: 20, filters, sort: key }, signal)
      if (search && byLabel && page.items.length < 20) {
        // Also match on the caption ("sales" finds the salesperson named Sales Manager).
        try {
          const more = await list<Row>(
            props.path,
            { limit: 20 - page.items.length, filters: { [label]: `@*${literal(search)}*` } },
            signal,
          )
          const seen = new Set(page.items.map((r) => String(r[key])))
          page.items.push(...more.items.filter((r) => !seen.has(String(r[key]))))
        } catch {
          // the collection may not have the caption field; the code matches are enough
        }
      }
      return page.items
    },
    enabled: !props.disabled,
    staleTime: 30_000,
    retry: false,
  })
  const items = q.data ?? []
  const captions = new Map(items.map((r) => [String(r[key]), String(r[label] ?? '')]))
  return (
    <Autocomplete
      name={props.name}
      size={props.size}
      label={props.label}
      aria-label={props['aria-label']}
      error={props.error}
      disabled={props.disabled}
      placeholder={props.placeholder}
      autoFocus={props.autoFocus}
      value={props.value}
      onChange={(v) => props.onChange(v)}
      onOptionSubmit={(v) => {
        props.onChange(v)
        props.onCommit?.(v)
      }}
      onKeyDown={props.onKeyDown}
      onBlur={props.onBlur}
      data={[...captions.keys()]}
      filter={({ options }) => options}
      renderOption={({ option }) => (
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" fw={600} ff="monospace">
            {option.value}
          </Text>
          <Text size="sm" c="dimmed" truncate>
            {captions.get(option.value)}
          </Text>
        </Group>
      )}
      comboboxProps={{ withinPortal: true, width: 'max-content', position: 'bottom-start' }}
      maxDropdownHeight={260}
    />
  )
}
