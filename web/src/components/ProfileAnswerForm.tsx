import { Alert, Button, Group, NativeSelect } from '@mantine/core'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { ApiError, enc, errorText, fieldError, list, post } from '../api/api'
import type { Row } from '../api/types'
import { LookupInput } from './LookupInput'

/** Adds a profile answer: pick a questionnaire, then one of its answer lines. */
export function ProfileAnswerForm({ path, onAdded }: { path: string; onAdded(): Promise<void> }) {
  const [questionnaire, setQuestionnaire] = useState('')
  const [lineNo, setLineNo] = useState('')
  const [error, setError] = useState<unknown>(null)
  const code = questionnaire.trim().toUpperCase()
  const lines = useQuery({
    queryKey: ['list', `/api/profile-questionnaires/${code}/lines`],
    queryFn: () => list<Row>(`/api/profile-questionnaires/${enc(code)}/lines`, { limit: 500, sort: 'lineNo' }),
    enabled: code.length > 0,
    retry: false,
  })
  // Answers are grouped under the question line before them, as on BC's Profile Questionnaire page.
  const options: { value: string; label: string }[] = []
  let question = ''
  for (const l of lines.data?.items ?? []) {
    if (l.type === 'Question') question = String(l.description)
    else options.push({ value: String(l.lineNo), label: `${question ? `${question}: ` : ''}${String(l.description)}` })
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await post(path, { profileQuestionnaireCode: code, lineNo: Number(lineNo) })
      setLineNo('')
      await onAdded()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form onSubmit={submit}>
      <Group align="flex-start" wrap="wrap">
        <LookupInput
          path="/api/profile-questionnaires"
          label="Profile Questionnaire Code"
          value={questionnaire}
          onChange={setQuestionnaire}
          error={fieldError(error, 'profileQuestionnaireCode')}
        />
        <NativeSelect
          label="Answer"
          value={lineNo}
          onChange={(e) => setLineNo(e.currentTarget.value)}
          data={[
            {
              value: '',
              label: code
                ? lines.isError
                  ? 'No such questionnaire'
                  : 'Choose an answer…'
                : 'Choose a questionnaire first',
            },
            ...options,
          ]}
          error={fieldError(error, 'lineNo')}
          miw={240}
        />
        <Button type="submit" mt={25} disabled={!code || !lineNo}>
          Add
        </Button>
      </Group>
      {error && !(error instanceof ApiError && error.problem.errors?.length) ? (
        <Alert color="red" mt="xs" role="alert">
          {errorText(error)}
        </Alert>
      ) : null}
    </form>
  )
}
